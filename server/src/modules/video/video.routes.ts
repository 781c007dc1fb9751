import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, Page } from '../../http/pagination.ts';
import {
  Accepted,
  CameraVideoBody,
  CameraVideoView,
  DetectionQuery,
  DetectionView,
  IntakeStatus,
  PushToken,
  RuleBody,
  RuleList,
  RuleView,
  Today,
  TodayQuery,
  TokenParams,
} from './video.schema.ts';
import {
  cameraView,
  createRule,
  detectionsToday,
  intakeStatus,
  issuePushToken,
  listDetections,
  listRules,
  receivePush,
  receiveWebhook,
  refreshSnapshot,
  saveCameraSettings,
  updateRule,
} from './video.service.ts';

/**
 * Machine intake: the signed webhook and the vendor pushes. Bodies stay raw bytes (the signature is over
 * the exact bytes; vendor bodies are XML, multipart or text). Frigate comes over MQTT (frigate-mqtt.ts).
 */
const pushRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: app.config.videoSnapshotMaxBytes + 256 * 1024 }, (_request, body, done) => done(null, body));
  const raw = (body: unknown) => (body as Buffer | undefined) ?? Buffer.alloc(0);
  const tags = ['video intake'];
  app.post(
    '/api/video/webhook',
    {
      config: { public: true },
      schema: { tags, summary: 'Detections as JSON, signed: X-Gongzhi-Timestamp and X-Gongzhi-Signature: sha256=HMAC(secret, "<timestamp>.<body>")', response: { 200: Accepted } },
    },
    (request) => receiveWebhook(request, raw(request.body)),
  );
  app.post(
    '/api/video/push/hikvision/:token',
    { config: { public: true }, schema: { tags, summary: 'Hikvision ISAPI EventNotificationAlert (XML, or multipart with JPEG parts); the token is the camera push token', params: TokenParams, response: { 200: Accepted } } },
    (request) => receivePush(request, 'hikvision', request.params.token, raw(request.body)),
  );
  app.post(
    '/api/video/push/dahua/:token',
    { config: { public: true }, schema: { tags, summary: 'Dahua events: Code=…;action=…;index=…;data={…} text, or the same as JSON; the token is the camera push token', params: TokenParams, response: { 200: Accepted } } },
    (request) => receivePush(request, 'dahua', request.params.token, raw(request.body)),
  );
};

/** Video AI: cameras' settings and frames, detections, rules, intake status. */
export const videoRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(pushRoutes);
  const tags = ['video AI'];

  app.get('/api/video/intake', { config: { permission: 'video:rule:read' }, schema: { tags, summary: 'Intake counters since start, detection → event latency, recent refusals', response: { 200: IntakeStatus } } }, (request) =>
    intakeStatus(request),
  );
  app.get('/api/video/detections', { config: { permission: 'video:detection:read' }, schema: { tags, summary: 'Detections in my scope, newest first', querystring: DetectionQuery, response: { 200: Page(DetectionView) } } }, (request) =>
    listDetections(request, request.query),
  );
  app.get('/api/video/detections/today', { config: { permission: 'video:detection:read' }, schema: { tags, summary: 'AI detections today (Asia/Shanghai) in my scope, and how many became events', querystring: TodayQuery, response: { 200: Today } } }, (request) =>
    detectionsToday(request, request.query.divisionCode),
  );

  app.get('/api/video/cameras/:id', { config: { permission: 'video:detection:read' }, schema: { tags, summary: "A camera's video-AI settings, latest frame and zones", params: IdParams, response: { 200: CameraVideoView } } }, (request) =>
    cameraView(request, request.params.id),
  );
  app.put('/api/video/cameras/:id', { config: { permission: 'video:camera:update' }, schema: { tags, summary: 'Set up a camera for video AI (source name, Frigate URL, built-in detector)', params: IdParams, body: CameraVideoBody, response: { 200: CameraVideoView } } }, (request) =>
    saveCameraSettings(request, request.params.id, request.body),
  );
  app.post('/api/video/cameras/:id/push-token', { config: { permission: 'video:camera:update' }, schema: { tags, summary: 'Issue the push token of the camera\'s Hikvision / Dahua push URL (shown once; replaces the old one)', params: IdParams, response: { 200: PushToken } } }, async (request, reply) =>
    reply.header('cache-control', 'no-store').send(await issuePushToken(request, request.params.id)),
  );
  app.post('/api/video/cameras/:id/snapshot', { config: { permission: 'video:camera:update' }, schema: { tags, summary: 'Take a frame from the camera now (Frigate latest frame, detector source or snapshot URL)', params: IdParams, response: { 200: CameraVideoView } } }, (request) =>
    refreshSnapshot(request, request.params.id),
  );
  app.get('/api/video/cameras/:id/detections', { config: { permission: 'video:detection:read' }, schema: { tags, summary: "A camera's detections, newest first", params: IdParams, querystring: DetectionQuery, response: { 200: Page(DetectionView) } } }, (request) =>
    listDetections(request, request.query, request.params.id),
  );

  app.get('/api/video/rules', { config: { permission: 'video:rule:read' }, schema: { tags, summary: 'Video rules: detections → event categories, tried by priority', response: { 200: RuleList } } }, (request) => listRules(request));
  app.post('/api/video/rules', { config: { permission: 'video:rule:update' }, schema: { tags, summary: 'Add a rule', body: RuleBody, response: { 201: RuleView } } }, async (request, reply) =>
    reply.code(201).send(await createRule(request, request.body)),
  );
  app.put('/api/video/rules/:id', { config: { permission: 'video:rule:update' }, schema: { tags, summary: 'Replace a rule (active: false switches it off)', params: IdParams, body: RuleBody, response: { 200: RuleView } } }, (request) =>
    updateRule(request, request.params.id, request.body),
  );
};
