import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, Page } from '../../http/pagination.ts';
import { viewSchema } from '../registry/fields.ts';
import { deviceKind } from '../registry/kinds/device.ts';
import { RuleInput, RuleView } from './alarm-rule-input.ts';
import {
  AlarmQuery,
  AlarmSummary,
  AlarmView,
  ClearBody,
  Defaults,
  DeviceAlarmQuery,
  DeviceIot,
  DeviceListQuery,
  DeviceSummary,
  IntakeStatus,
  IssuedToken,
  RuleImportBody,
  RuleImportResult,
  RuleList,
  RuleQuery,
  SettingsBody,
  SummaryQuery,
  TelemetryAccepted,
  TelemetryQuery,
  TelemetrySeries,
  TokenParams,
  ZonesBody,
} from './devices.schema.ts';
import { deviceDetail, issueToken, listDevices, receiveHttpTelemetry, replaceZones, telemetrySeries, updateSettings } from './devices.service.ts';
import { acknowledgeAlarm, alarmSummary, clearAlarm, deviceAlarms, getAlarm, listAlarms } from './alarms.service.ts';
import { createRule, importRules, listRules, ruleDefaults, updateRule } from './alarm-rules.service.ts';

/** ThingsBoard's HTTP device API. The body stays raw bytes so that malformed JSON is recorded on the device too. */
const httpTelemetryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  app.post(
    '/api/v1/:token/telemetry',
    {
      config: { public: true },
      schema: { tags: ['devices'], summary: 'Device telemetry over HTTP (ThingsBoard form): {"k": v}, {"ts": ms, "values": {…}} or an array of them; the token is the device access token', params: TokenParams, response: { 200: TelemetryAccepted } },
    },
    (request) => receiveHttpTelemetry(request, request.params.token, (request.body as Buffer | undefined) ?? Buffer.alloc(0)),
  );
};

/** Devices (IoT side), alarms and alarm rules. */
export const deviceRoutes: FastifyPluginAsyncTypebox = async (app) => {
  await app.register(httpTelemetryRoutes);
  const tags = ['devices'];
  const DeviceDetail = Type.Object({ device: viewSchema(deviceKind, {}), iot: DeviceIot });

  app.get('/api/devices', { config: { permission: 'registry:device:read' }, schema: { tags, summary: 'Devices in my scope with status and active alarms (in alarm first)', querystring: DeviceListQuery, response: { 200: Page(DeviceSummary) } } }, (request) =>
    listDevices(request, request.query),
  );
  app.get('/api/devices/intake', { config: { permission: 'device:alarm:read' }, schema: { tags, summary: 'Telemetry intake counters since start (messages, readings stored, refusals by code)', response: { 200: IntakeStatus } } }, () => ({
    transport: app.deviceIntake.transport,
    ...app.deviceIntake.snapshot(),
  }));
  app.get('/api/devices/:id', { config: { permission: 'registry:device:read' }, schema: { tags, summary: 'One device: the registry record, its token state, rules with its overrides, last reading, zones', params: IdParams, response: { 200: DeviceDetail } } }, (request) =>
    deviceDetail(request, request.params.id),
  );
  app.get('/api/devices/:id/telemetry', { config: { permission: 'device:telemetry:read' }, schema: { tags, summary: 'Telemetry series of a device over a time range (last 24 h by default)', params: IdParams, querystring: TelemetryQuery, response: { 200: TelemetrySeries } } }, (request) =>
    telemetrySeries(request, request.params.id, request.query),
  );
  app.get('/api/devices/:id/alarms', { config: { permission: 'device:alarm:read' }, schema: { tags, summary: "A device's alarms", params: IdParams, querystring: DeviceAlarmQuery, response: { 200: Page(AlarmView) } } }, (request) =>
    deviceAlarms(request, request.params.id, request.query),
  );
  app.post('/api/devices/:id/token', { config: { permission: 'device:token:issue' }, schema: { tags, summary: 'Issue a new access token (the old one stops working); shown once', params: IdParams, response: { 200: IssuedToken } } }, async (request, reply) =>
    reply.header('cache-control', 'no-store').send(await issueToken(request, request.params.id)),
  );
  app.patch('/api/devices/:id/settings', { config: { permission: 'device:settings:update' }, schema: { tags, summary: "The device's gateway and its own alarm thresholds (overrides by alarm type)", params: IdParams, body: SettingsBody, response: { 200: DeviceDetail } } }, (request) =>
    updateSettings(request, request.params.id, request.body),
  );
  app.put('/api/devices/:id/zones', { config: { permission: 'device:settings:update' }, schema: { tags, summary: "Replace a camera's zones (polygons in snapshot pixels)", params: IdParams, body: ZonesBody, response: { 200: DeviceDetail } } }, (request) =>
    replaceZones(request, request.params.id, request.body),
  );

  const alarmTags = ['alarms'];
  app.get('/api/alarms', { config: { permission: 'device:alarm:read' }, schema: { tags: alarmTags, summary: 'Alarms in my scope: active first, most severe first', querystring: AlarmQuery, response: { 200: Page(AlarmView) } } }, (request) =>
    listAlarms(request, request.query),
  );
  app.get('/api/alarms/summary', { config: { permission: 'device:alarm:read' }, schema: { tags: alarmTags, summary: 'Active alarms per severity in my scope', querystring: SummaryQuery, response: { 200: AlarmSummary } } }, (request) =>
    alarmSummary(request, request.query.divisionCode),
  );
  app.get('/api/alarms/:id', { config: { permission: 'device:alarm:read' }, schema: { tags: alarmTags, summary: 'One alarm', params: IdParams, response: { 200: AlarmView } } }, (request) => getAlarm(request, request.params.id));
  app.post('/api/alarms/:id/acknowledge', { config: { permission: 'device:alarm:handle' }, schema: { tags: alarmTags, summary: 'Acknowledge an alarm (someone has seen it)', params: IdParams, response: { 200: AlarmView } } }, (request) =>
    acknowledgeAlarm(request, request.params.id),
  );
  app.post('/api/alarms/:id/clear', { config: { permission: 'device:alarm:handle' }, schema: { tags: alarmTags, summary: 'Clear an active alarm by hand; its event gets a note and goes on', params: IdParams, body: ClearBody, response: { 200: AlarmView } } }, (request) =>
    clearAlarm(request, request.params.id, request.body.note),
  );

  const ruleTags = ['alarm rules'];
  app.get('/api/alarm-rules', { config: { permission: 'device:alarm-rule:read' }, schema: { tags: ruleTags, summary: 'Alarm rules per sensor kind', querystring: RuleQuery, response: { 200: RuleList } } }, (request) =>
    listRules(request, request.query.sensorKind),
  );
  app.get('/api/alarm-rules/defaults', { config: { permission: 'device:alarm-rule:read' }, schema: { tags: ruleTags, summary: 'The built-in default rules (Chinese standards), in the import format', response: { 200: Defaults } } }, () => ruleDefaults());
  app.post('/api/alarm-rules', { config: { permission: 'device:alarm-rule:update' }, schema: { tags: ruleTags, summary: 'Add a rule', body: RuleInput, response: { 201: RuleView } } }, async (request, reply) =>
    reply.code(201).send(await createRule(request, request.body)),
  );
  app.put('/api/alarm-rules/:id', { config: { permission: 'device:alarm-rule:update' }, schema: { tags: ruleTags, summary: 'Replace a rule', params: IdParams, body: RuleInput, response: { 200: RuleView } } }, (request) =>
    updateRule(request, request.params.id, request.body),
  );
  app.post('/api/alarm-rules/import', { config: { permission: 'device:alarm-rule:update' }, schema: { tags: ruleTags, summary: 'Add or replace rules by (sensor kind, alarm type), all or nothing', body: RuleImportBody, response: { 200: RuleImportResult } } }, (request) =>
    importRules(request, request.body.rules),
  );
};
