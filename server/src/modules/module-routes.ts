import type { FastifyPluginAsync } from 'fastify';
import { systemRoutes } from './system/system.routes.ts';

/** The API of every domain module, registered by the app in this order. */
export const moduleRoutes: FastifyPluginAsync = async (app) => {
  await app.register(systemRoutes);
};
