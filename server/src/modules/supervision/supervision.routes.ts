import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams } from '../../http/pagination.ts';
import { CallbackBody, CloseBody, EventSupervision, ListBody, PublicCallback, PublicCallbackBody, ReplyBody, SupervisionPage, SupervisionQuery } from './supervision.schema.ts';
import { closeSupervision, eventSupervision, listEvent, listSupervisions, replySupervision } from './supervision.service.ts';
import { publicCallback, publicCallbackStatus, staffCallback } from './callback.service.ts';

const CallbackPanel = Type.Pick(EventSupervision, ['callbacks', 'canCallback']);
const CodeParams = Type.Object({ code: Type.String({ maxLength: 40 }) });

/** Supervision (催办 / 督办 / 挂牌督办) and satisfaction callbacks (回访). */
export const supervisionRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['supervision'];

  app.get(
    '/api/supervision',
    { config: { permission: 'event:supervision:read' }, schema: { tags, summary: 'Supervision steps in my scope, newest first (the command room list)', querystring: SupervisionQuery, response: { 200: SupervisionPage } } },
    (request) => listSupervisions(request, request.query),
  );

  app.get(
    '/api/supervision/events/:id',
    { config: { permission: 'event:case:read' }, schema: { tags, summary: "An event's supervision steps and callbacks, with what I may do", params: IdParams, response: { 200: EventSupervision } } },
    (request) => eventSupervision(request, request.params.id),
  );

  app.post(
    '/api/supervision/events/:id/list',
    {
      config: { permission: 'event:supervision:list' },
      schema: { tags, summary: '挂牌督办: list an open event with a requirement and a reply deadline, addressed to the unit that must act', params: IdParams, body: ListBody, response: { 200: EventSupervision } },
    },
    (request) => listEvent(request, request.params.id, request.body),
  );

  app.post(
    '/api/supervision/:id/reply',
    { config: { permission: 'event:supervision:reply' }, schema: { tags, summary: "The addressed unit's written reply (once)", params: IdParams, body: ReplyBody, response: { 200: EventSupervision } } },
    (request) => replySupervision(request, request.params.id, request.body),
  );

  app.post(
    '/api/supervision/:id/close',
    { config: { permission: 'event:supervision:list' }, schema: { tags, summary: 'End a 挂牌督办', params: IdParams, body: CloseBody, response: { 200: EventSupervision } } },
    (request) => closeSupervision(request, request.params.id, request.body),
  );

  app.post(
    '/api/supervision/events/:id/callback',
    {
      config: { permission: 'event:case:callback' },
      schema: { tags, summary: 'Record the phone callback of a closed public or hotline case (dissatisfied reopens it)', params: IdParams, body: CallbackBody, response: { 201: CallbackPanel } },
    },
    async (request, reply) => reply.code(201).send(await staffCallback(request, request.params.id, request.body)),
  );

  const publicTags = ['public'];
  app.get(
    '/api/public/callbacks/:code',
    {
      config: { public: true, rateLimit: { max: 60, timeWindow: 60_000 } },
      schema: { tags: publicTags, summary: 'Whether a closed report asks for the reporter\'s callback, and the one given (code + follow token)', params: CodeParams, querystring: Type.Object({ token: Type.String({ minLength: 1, maxLength: 64 }) }), response: { 200: PublicCallback } },
    },
    (request) => publicCallbackStatus(request, request.params.code, request.query.token),
  );

  app.post(
    '/api/public/callbacks/:code',
    {
      config: { public: true, rateLimit: { max: 10, timeWindow: 60_000 } },
      schema: { tags: publicTags, summary: "The reporter's satisfaction with a closed report (once per closure; dissatisfied reopens it)", params: CodeParams, body: PublicCallbackBody, response: { 201: PublicCallback } },
    },
    async (request, reply) => reply.code(201).send(await publicCallback(request, request.params.code, request.body)),
  );
};
