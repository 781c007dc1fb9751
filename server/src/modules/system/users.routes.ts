import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, Page } from '../../http/pagination.ts';
import { CreateUserBody, UpdateUserBody, UserListQuery, UserView } from './users.schema.ts';
import { createUser, getUser, listUsers, updateUser } from './users.service.ts';

export const userRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['system: users'];
  app.get('/api/system/users', { config: { permission: 'system:user:read' }, schema: { tags, summary: 'Users in my scope', querystring: UserListQuery, response: { 200: Page(UserView) } } }, (request) =>
    listUsers(request, request.query),
  );
  app.get('/api/system/users/:id', { config: { permission: 'system:user:read' }, schema: { tags, summary: 'One user', params: IdParams, response: { 200: UserView } } }, (request) =>
    getUser(request, request.params.id),
  );
  app.post('/api/system/users', { config: { permission: 'system:user:create' }, schema: { tags, summary: 'Create a user', body: CreateUserBody, response: { 201: UserView } } }, async (request, reply) =>
    reply.code(201).send(await createUser(request, request.body)),
  );
  app.patch(
    '/api/system/users/:id',
    { config: { permission: 'system:user:update' }, schema: { tags, summary: 'Change a user (roles, placement, status, password reset)', params: IdParams, body: UpdateUserBody, response: { 200: UserView } } },
    (request) => updateUser(request, request.params.id, request.body),
  );
};
