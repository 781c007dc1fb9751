import type { FastifyPluginAsync } from 'fastify';
import { userRoutes } from './users.routes.ts';
import { roleRoutes } from './roles.ts';
import { divisionRoutes } from './divisions.ts';
import { organizationRoutes } from './organizations.ts';
import { tokenRoutes } from './tokens.ts';
import { logRoutes } from './logs.ts';
import { dictionaryRoutes } from './dictionaries.ts';

/** Accounts, roles, administrative structure, machine tokens, logs and dictionaries. */
export const systemRoutes: FastifyPluginAsync = async (app) => {
  await app.register(userRoutes);
  await app.register(roleRoutes);
  await app.register(divisionRoutes);
  await app.register(organizationRoutes);
  await app.register(tokenRoutes);
  await app.register(logRoutes);
  await app.register(dictionaryRoutes);
};
