import { videoComplianceSink } from './video-compliance.ts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, PageQuery } from '../../http/pagination.ts';
import {
  EventOutreach,
  EventParams,
  MessagePage,
  MessageQuery,
  OptOutBody,
  OptOutPage,
  OptOutView,
  PolicyBody,
  PolicyParams,
  Preview,
  PreviewBody,
  Rates,
  RatesQuery,
  RecheckBody,
  RemindBody,
  Settings,
  TemplateCatalog,
  TemplateCreate,
  TemplateUpdate,
  TemplateView,
} from './outreach.schema.ts';
import { eventOutreach, listMessages, rates, visibleEvent } from './outreach.query.ts';
import { recheck, remind, requestContext } from './reminder.service.ts';
import { createTemplate, deleteTemplate, getSettings, previewTemplate, putPolicy, putSettings, templateCatalog, updateTemplate } from './outreach-config.service.ts';
import { addOptOut, listOptOuts, removeOptOut } from './opt-outs.service.ts';
import { webhookReceipt } from './receipts.service.ts';
import { receiptSecretFromEnv } from './providers/provider-config.ts';
import { vehicleRoutes } from './vehicles/vehicles.routes.ts';

/** Outreach (视频AI + 114): reminders on events, the log, templates and settings, opt-outs, receipts. */
export const outreachRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['outreach'];
  // Detections decide reminders (视频AI + 114).
  app.videoIntake.complianceSink = videoComplianceSink(app, app.videoIntake.complianceSink);

  app.get(
    '/api/outreach/events/:id',
    { config: { permission: 'event:case:read' }, schema: { tags, summary: "An event's reminders, and whether one may be sent or re-checked now", params: EventParams, response: { 200: EventOutreach } } },
    async (request) => eventOutreach(request, await visibleEvent(request, request.params.id)),
  );

  app.post(
    '/api/outreach/events/:id/remind',
    {
      config: { permission: 'outreach:reminder:send' },
      schema: { tags, summary: 'Remind the responsible party (the vehicle owner by plate, else the nearest shop); without one the event goes the normal way', params: EventParams, body: RemindBody, response: { 200: EventOutreach } },
    },
    async (request) => {
      await remind(requestContext(request), await visibleEvent(request, request.params.id), request.body);
      return eventOutreach(request, await visibleEvent(request, request.params.id));
    },
  );

  app.post(
    '/api/outreach/events/:id/recheck',
    {
      config: { permission: 'outreach:reminder:recheck' },
      schema: { tags, summary: 'Re-check after a reminder: complied closes the event, not complied dispatches it to law enforcement', params: EventParams, body: RecheckBody, response: { 200: EventOutreach } },
    },
    async (request) => {
      const { complied, source = 'manual' } = request.body;
      await recheck(requestContext(request), await visibleEvent(request, request.params.id), { complied, source } as const);
      return eventOutreach(request, await visibleEvent(request, request.params.id));
    },
  );

  app.get('/api/outreach/messages', { config: { permission: 'outreach:message:read' }, schema: { tags, summary: 'The outreach log (numbers masked)', querystring: MessageQuery, response: { 200: MessagePage } } }, (request) =>
    listMessages(request, request.query),
  );

  app.get('/api/outreach/rates', { config: { permission: 'outreach:message:read' }, schema: { tags, summary: 'Outreach rate (reminded / eligible) and compliance rate (complied / reminded)', querystring: RatesQuery, response: { 200: Rates } } }, (request) =>
    rates(request, request.query),
  );

  app.get('/api/outreach/templates', { config: { permission: 'outreach:template:read' }, schema: { tags, summary: 'Templates and policies of the categories that allow reminders', response: { 200: TemplateCatalog } } }, (request) =>
    templateCatalog(request),
  );
  app.post('/api/outreach/templates', { config: { permission: 'outreach:template:update' }, schema: { tags, summary: 'A template for a category (or the default: categoryCode null) and channel', body: TemplateCreate, response: { 201: TemplateView } } }, async (request, reply) =>
    reply.code(201).send(await createTemplate(request, request.body)),
  );
  app.post('/api/outreach/templates/preview', { config: { permission: 'outreach:template:read' }, schema: { tags, summary: 'A template body with example values (validation errors as 400)', body: PreviewBody, response: { 200: Preview } } }, (request) =>
    previewTemplate(request, request.body.body, request.body.categoryCode),
  );
  app.put('/api/outreach/templates/:id', { config: { permission: 'outreach:template:update' }, schema: { tags, summary: 'Change a template', params: IdParams, body: TemplateUpdate, response: { 200: TemplateView } } }, (request) =>
    updateTemplate(request, request.params.id, request.body),
  );
  app.delete('/api/outreach/templates/:id', { config: { permission: 'outreach:template:update' }, schema: { tags, summary: "Remove a category's own template (it falls back to the default)", params: IdParams } }, async (request, reply) => {
    await deleteTemplate(request, request.params.id);
    return reply.code(204).send();
  });
  app.put('/api/outreach/policies/:code', { config: { permission: 'outreach:template:update' }, schema: { tags, summary: "A category's grace period and channels", params: PolicyParams, body: PolicyBody } }, (request) =>
    putPolicy(request, request.params.code, request.body),
  );

  app.get('/api/outreach/settings', { config: { permission: 'outreach:template:read' }, schema: { tags, summary: 'Quiet hours, rate limit, party radius, defaults, sender name', response: { 200: Settings } } }, (request) => getSettings(request));
  app.put('/api/outreach/settings', { config: { permission: 'outreach:template:update' }, schema: { tags, summary: 'Replace the outreach settings', body: Settings, response: { 200: Settings } } }, (request) =>
    putSettings(request, request.body),
  );

  app.get('/api/outreach/opt-outs', { config: { permission: 'outreach:opt-out:read' }, schema: { tags, summary: 'Numbers that receive no reminders (masked)', querystring: PageQuery, response: { 200: OptOutPage } } }, (request) =>
    listOptOuts(request, request.query),
  );
  app.post('/api/outreach/opt-outs', { config: { permission: 'outreach:opt-out:update' }, schema: { tags, summary: 'Add a number to the opt-out list', body: OptOutBody, response: { 201: OptOutView } } }, async (request, reply) =>
    reply.code(201).send(await addOptOut(request, request.body)),
  );
  app.delete('/api/outreach/opt-outs/:id', { config: { permission: 'outreach:opt-out:update' }, schema: { tags, summary: 'Remove a number from the opt-out list', params: IdParams } }, async (request, reply) => {
    await removeOptOut(request, request.params.id);
    return reply.code(204).send();
  });

  await app.register(vehicleRoutes);

  // Receipts are verified against the raw bytes, so this route keeps the body as text.
  const receiptSecret = receiptSecretFromEnv();
  await app.register(async (raw) => {
    raw.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
    raw.post(
      '/api/outreach/receipts/webhook',
      { config: { public: true, rateLimit: { max: 600, timeWindow: 60_000 } }, schema: { tags, summary: 'Delivery receipts from the webhook gateway, signed with X-Gongzhi-Timestamp / X-Gongzhi-Signature', response: { 200: Type.Object({ ok: Type.Boolean() }) } } },
      (request) => webhookReceipt(request, request.body as string, receiptSecret),
    );
  });
};
