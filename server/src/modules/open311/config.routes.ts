import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams } from '../../http/pagination.ts';
import { createAttribute, deleteAttribute, discoverySettings, listAttributes, updateAttribute, updateDiscoverySettings } from './config.service.ts';
import { AttributeView, CategoryParams, CreateAttributeBody, DiscoverySettings, UpdateAttributeBody } from './open311.schema.ts';

/** /api/open311: the attributes of each service (its GeoReport v2 service definition) and the discovery contact. */
export const open311ConfigRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['open311: configuration'];
  const read = { permission: 'open311:config:read' };
  const update = { permission: 'open311:config:update' };

  app.get('/api/open311/services/:code/attributes', { config: read, schema: { tags, summary: 'Attributes of a service (category), in order', params: CategoryParams, response: { 200: Type.Object({ items: Type.Array(AttributeView) }) } } }, (request) =>
    listAttributes(request, request.params.code),
  );
  app.post(
    '/api/open311/services/:code/attributes',
    { config: update, schema: { tags, summary: 'Add an attribute to a service (county level)', params: CategoryParams, body: CreateAttributeBody, response: { 201: AttributeView } } },
    async (request, reply) => reply.code(201).send(await createAttribute(request, request.params.code, request.body)),
  );
  app.patch('/api/open311/attributes/:id', { config: update, schema: { tags, summary: 'Change an attribute (county level)', params: IdParams, body: UpdateAttributeBody, response: { 200: AttributeView } } }, (request) =>
    updateAttribute(request, request.params.id, request.body),
  );
  app.delete('/api/open311/attributes/:id', { config: update, schema: { tags, summary: 'Remove an attribute (county level; answers already given stay)', params: IdParams } }, async (request, reply) => {
    await deleteAttribute(request, request.params.id);
    return reply.code(204).send();
  });

  app.get('/api/open311/discovery', { config: read, schema: { tags, summary: 'What discovery tells partners', response: { 200: DiscoverySettings } } }, () => discoverySettings(app.db));
  app.put('/api/open311/discovery', { config: update, schema: { tags, summary: 'Change the discovery contact and key instructions (county level)', body: DiscoverySettings, response: { 200: DiscoverySettings } } }, (request) =>
    updateDiscoverySettings(request, request.body),
  );
};
