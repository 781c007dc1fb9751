import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, Page, PageQuery, StringEnum } from '../../../http/pagination.ts';
import { eventSources } from '../events.tables.ts';
import { createRule, deleteRule, listRules, updateRule } from './routing-rules.service.ts';

const CategoryCode = Type.String({ pattern: '^[CE][0-9]{4}$' });
const DivisionCode = Type.String({ pattern: '^[0-9]{6}([0-9]{3}([0-9]{3}([0-9]{2})?)?)?$' });
const Source = StringEnum(eventSources);
const Priority = Type.Integer({ minimum: -1000, maximum: 1000 });
const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);

const RuleView = Type.Object({
  id: Type.Integer(),
  categoryCode: Type.Union([Type.String(), Type.Null()]),
  categoryName: Type.Union([Type.String(), Type.Null()]),
  divisionCode: Type.Union([Type.String(), Type.Null()]),
  divisionName: Type.Union([Type.String(), Type.Null()]),
  source: Type.Union([Type.String(), Type.Null()]),
  organizationId: Type.Integer(),
  organizationName: Type.String(),
  priority: Type.Integer(),
  active: Type.Boolean(),
});
const RuleQuery = Type.Intersect([
  PageQuery,
  Type.Object({ categoryCode: Type.Optional(CategoryCode), divisionCode: Type.Optional(DivisionCode), organizationId: Type.Optional(Type.Integer({ minimum: 1 })) }),
]);
// null = any category / area / source.
const CreateRuleBody = Type.Object(
  { categoryCode: nullable(CategoryCode), divisionCode: nullable(DivisionCode), source: nullable(Source), organizationId: Type.Integer({ minimum: 1 }), priority: Priority, active: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
const UpdateRuleBody = Type.Object(
  {
    categoryCode: Type.Optional(nullable(CategoryCode)),
    divisionCode: Type.Optional(nullable(DivisionCode)),
    source: Type.Optional(nullable(Source)),
    organizationId: Type.Optional(Type.Integer({ minimum: 1 })),
    priority: Type.Optional(Priority),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

/** Routing rules: category × area × source → organisation, in the actor's division. */
export const routingRuleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['event config: routing'];
  app.get('/api/event-config/routing-rules', { config: { permission: 'event:routing:read' }, schema: { tags, summary: 'Routing rules of my division', querystring: RuleQuery, response: { 200: Page(RuleView) } } }, (request) =>
    listRules(request, request.query),
  );
  app.post('/api/event-config/routing-rules', { config: { permission: 'event:routing:update' }, schema: { tags, summary: 'Create a routing rule', body: CreateRuleBody, response: { 201: RuleView } } }, async (request, reply) =>
    reply.code(201).send(await createRule(request, request.body)),
  );
  app.patch('/api/event-config/routing-rules/:id', { config: { permission: 'event:routing:update' }, schema: { tags, summary: 'Change a routing rule', params: IdParams, body: UpdateRuleBody, response: { 200: RuleView } } }, (request) =>
    updateRule(request, request.params.id, request.body),
  );
  app.delete('/api/event-config/routing-rules/:id', { config: { permission: 'event:routing:update' }, schema: { tags, summary: 'Delete a routing rule', params: IdParams } }, async (request, reply) => {
    await deleteRule(request, request.params.id);
    return reply.code(204).send();
  });
};
