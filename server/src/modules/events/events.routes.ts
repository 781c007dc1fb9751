import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams } from '../../http/pagination.ts';
import { ownerAccessChecks } from '../../files/files.routes.ts';
import { ActionBody, ActionParams, EventDetail, EventPage, IntakeBody, IntakeResult, ListQuery, MergeBody, PublicCategories, PublicIntakeBody, PublicProgress, PublicReceipt, PublicUpload, QueueCounts } from './events.schema.ts';
import { staffReport } from './intake.service.ts';
import { eventView, getEvent, reportedEventView, listEvents, queueCounts } from './events.query.ts';
import { performAction } from './workflow.service.ts';
import { mergeEvent } from './merge.service.ts';
import { publicProgress, publicReport, publicUpload } from './public.service.ts';
import { configRepo } from './config/config.repo.ts';
import { eventsRepo } from './events.repo.ts';

/** The event center: one intake for every channel, the work queues, the workflow, the resident page. */
export const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['events'];
  // An event's photos follow the event's scope; residents' photos waiting for their report are nobody's yet.
  ownerAccessChecks.set('event', async (actor, ownerId) => Boolean(await eventsRepo.findVisible(app.db, actor.scope, Number(ownerId))));
  ownerAccessChecks.set('public_upload', async () => false);

  app.post(
    '/api/events',
    {
      config: { permission: 'event:case:create' },
      schema: { tags, summary: 'Report an event (every channel; `source` names it). A repeated (source, idempotencyKey) answers 200 with the stored event. Possible duplicates are on the event detail (GET /api/events/:id), not searched here', body: IntakeBody, response: { 200: IntakeResult, 201: IntakeResult } },
    },
    async (request, reply) => {
      const outcome = await staffReport(request, request.body);
      // A replayed report writes nothing, so it has nothing to audit.
      if (!outcome.created) request.audited = true;
      const event = outcome.divisionName === undefined ? await eventView(app, outcome.event) : await reportedEventView(app, outcome.event, outcome.divisionName);
      return reply.code(outcome.created ? 201 : 200).send({ event });
    },
  );

  app.get('/api/events/queues', { config: { permission: 'event:case:read' }, schema: { tags, summary: 'How many events wait in each work queue, within my scope', response: { 200: QueueCounts } } }, (request) =>
    queueCounts(request),
  );

  app.get(
    '/api/events',
    { config: { permission: 'event:case:read' }, schema: { tags, summary: 'Events in my scope; with `queue`, sorted by the running deadline (overdue first)', querystring: ListQuery, response: { 200: EventPage } } },
    (request) => listEvents(request, request.query),
  );

  app.get('/api/events/:id', { config: { permission: 'event:case:read' }, schema: { tags, summary: 'One event: timeline, photos, possible duplicates, my actions', params: IdParams, response: { 200: EventDetail } } }, (request) =>
    getEvent(request, request.params.id),
  );

  app.post(
    '/api/events/:id/actions/:action',
    {
      config: { permission: 'event:case:read' },
      schema: { tags, summary: 'One workflow step; the action names its own permission (see the workflow table)', params: ActionParams, body: ActionBody, response: { 200: EventDetail } },
    },
    (request) => performAction(request, request.params.id, request.params.action, request.body),
  );

  app.post(
    '/api/events/:id/merge',
    { config: { permission: 'event:case:merge' }, schema: { tags, summary: 'Merge this duplicate into the original event', params: IdParams, body: MergeBody, response: { 200: EventDetail } } },
    (request) => mergeEvent(request, request.params.id, request.body),
  );

  const publicTags = ['public'];
  app.get(
    '/api/public/event-categories',
    { config: { public: true, rateLimit: { max: 60, timeWindow: 60_000 } }, schema: { tags: publicTags, summary: 'The categories residents may report (active and public-reportable)', response: { 200: PublicCategories } } },
    async () => ({
      items: (await configRepo.publicCategories(app.db)).map((c) => ({ code: c.code, kind: c.kind, majorName: c.major_name, minorName: c.minor_name, nameEn: c.name_en })),
    }),
  );
  app.post(
    '/api/public/files',
    {
      config: { public: true, rateLimit: { max: 30, timeWindow: 60_000 } },
      schema: { tags: publicTags, summary: 'Upload a photo for a public report (multipart field "file"; images only, type sniffed from the bytes)', consumes: ['multipart/form-data'], response: { 201: PublicUpload } },
    },
    async (request, reply) => reply.code(201).send(await publicUpload(request)),
  );

  app.post(
    '/api/public/events',
    { config: { public: true, rateLimit: { max: 10, timeWindow: 60_000 } }, schema: { tags: publicTags, summary: 'Report a problem without signing in', body: PublicIntakeBody, response: { 201: PublicReceipt } } },
    async (request, reply) => reply.code(201).send(await publicReport(request, request.body)),
  );

  app.get(
    '/api/public/events/:code',
    {
      config: { public: true, rateLimit: { max: 60, timeWindow: 60_000 } },
      schema: { tags: publicTags, summary: 'Progress of a public report (code + follow token)', params: Type.Object({ code: Type.String({ maxLength: 40 }) }), querystring: Type.Object({ token: Type.String({ minLength: 1, maxLength: 64 }) }), response: { 200: PublicProgress } },
    },
    (request) => publicProgress(request, request.params.code, request.query.token),
  );
};
