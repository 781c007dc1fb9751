import { Type, type Static } from 'typebox';
import { PageQuery, StringEnum } from '../../http/pagination.ts';
import { zoneTypes } from './devices.tables.ts';
import { Overrides, RuleInput, RuleView, SeverityEnum } from './alarm-rule-input.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const DivisionCode = Type.String({ pattern: '^[0-9]{6,14}$' });

export const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) });
export const TelemetryAccepted = Type.Object({ readings: Type.Integer() });

export const DeviceListQuery = Type.Object({
  ...PageQuery.properties,
  type: Type.Optional(StringEnum(['camera', 'sensor'] as const)),
  sensorKind: Type.Optional(Type.String({ maxLength: 64 })),
  status: Type.Optional(StringEnum(['online', 'offline'] as const)),
  divisionCode: Type.Optional(DivisionCode),
  keyword: Type.Optional(Type.String({ maxLength: 100 })),
  alarmed: Type.Optional(Type.Boolean()),
});
export type DeviceListQuery = Static<typeof DeviceListQuery>;

export const DeviceSummary = Type.Object({
  id: Type.Integer(),
  deviceType: Type.String(),
  name: Type.String(),
  channelId: Nullable(Type.String()),
  serialNo: Nullable(Type.String()),
  sensorKind: Nullable(Type.String()),
  aiEnabled: Type.Boolean(),
  status: Type.String(),
  lastSeenAt: Nullable(Type.String()),
  address: Nullable(Type.String()),
  gridCode: Type.String(),
  villageName: Nullable(Type.String()),
  reporting: Type.Boolean({ description: 'holds an access token (reports telemetry)' }),
  activeAlarms: Type.Integer(),
  topSeverity: Nullable(SeverityEnum),
});

export const Zone = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 60 }),
    zoneType: StringEnum(zoneTypes),
    polygon: Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }), { minItems: 3, maxItems: 100, description: '[[x, y], …] in pixels of the snapshot the zone was drawn on' }),
    imageWidth: Type.Integer({ minimum: 1, maximum: 20_000 }),
    imageHeight: Type.Integer({ minimum: 1, maximum: 20_000 }),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const ZonesBody = Type.Object({ zones: Type.Array(Zone, { maxItems: 50 }) }, { additionalProperties: false });
export type ZonesBody = Static<typeof ZonesBody>;

export const SettingsBody = Type.Object(
  { gatewayId: Type.Optional(Nullable(Type.Integer({ minimum: 1 }))), alarmOverrides: Type.Optional(Overrides) },
  { additionalProperties: false, minProperties: 1 },
);
export type SettingsBody = Static<typeof SettingsBody>;

export const DeviceIot = Type.Object({
  reporting: Type.Boolean(),
  tokenIssuedAt: Nullable(Type.String()),
  gatewayId: Nullable(Type.Integer()),
  alarmOverrides: Overrides,
  telemetryRejected: Type.Integer(),
  lastError: Nullable(Type.String()),
  lastErrorAt: Nullable(Type.String()),
  latest: Nullable(Type.Object({ ts: Type.String(), values: Type.Record(Type.String(), Type.Number()) })),
  rules: Type.Array(Type.Object({ ...RuleView.properties, overridden: Type.Boolean(), enabled: Type.Boolean() })),
  zones: Type.Array(Type.Object({ id: Type.Integer(), ...Zone.properties, active: Type.Boolean() })),
  activeAlarms: Type.Integer(),
});

export const IssuedToken = Type.Object({ token: Type.String({ description: 'shown once: the MQTT username / HTTP path segment of the device' }), issuedAt: Type.String() });

export const TelemetryQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date-time' })),
  to: Type.Optional(Type.String({ format: 'date-time' })),
});
export type TelemetryQuery = Static<typeof TelemetryQuery>;
export const TelemetrySeries = Type.Object({
  from: Type.String(),
  to: Type.String(),
  stepSeconds: Nullable(Type.Integer({ description: 'null: every reading; else readings averaged per step (min and max kept)' })),
  series: Type.Array(Type.Object({ key: Type.String(), points: Type.Array(Type.Array(Type.Number(), { description: '[ms, avg, min, max]' })) })),
});

export const AlarmQuery = Type.Object({
  ...PageQuery.properties,
  status: Type.Optional(StringEnum(['active', 'cleared'] as const)),
  severity: Type.Optional(SeverityEnum),
  acknowledged: Type.Optional(Type.Boolean()),
  divisionCode: Type.Optional(DivisionCode),
  alarmType: Type.Optional(Type.String({ maxLength: 40 })),
});
export type AlarmQuery = Static<typeof AlarmQuery>;
export const DeviceAlarmQuery = Type.Object({ ...PageQuery.properties, status: Type.Optional(StringEnum(['active', 'cleared'] as const)) });
export type DeviceAlarmQuery = Static<typeof DeviceAlarmQuery>;

export const AlarmView = Type.Object({
  id: Type.Integer(),
  deviceId: Type.Integer(),
  deviceName: Type.String(),
  sensorKind: Nullable(Type.String()),
  address: Nullable(Type.String()),
  alarmType: Type.String(),
  name: Type.String({ description: "the rule's name in the caller's language (the type for offline alarms)" }),
  severity: SeverityEnum,
  status: Type.String(),
  acknowledged: Type.Boolean(),
  count: Type.Integer(),
  startedAt: Type.String(),
  lastAt: Type.String(),
  ackAt: Nullable(Type.String()),
  ackBy: Nullable(Type.String()),
  clearedAt: Nullable(Type.String()),
  clearedBy: Nullable(Type.String()),
  clearReason: Nullable(Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
  eventId: Nullable(Type.Integer()),
  eventCode: Nullable(Type.String()),
  eventState: Nullable(Type.String()),
  eventError: Nullable(Type.String()),
  divisionCode: Type.String(),
});
export const AlarmSummary = Type.Object({ items: Type.Array(Type.Object({ severity: SeverityEnum, count: Type.Integer(), unacknowledged: Type.Integer() })) });
export const SummaryQuery = Type.Object({ divisionCode: Type.Optional(DivisionCode) });
export const ClearBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 500 })) }, { additionalProperties: false });

export const RuleQuery = Type.Object({ sensorKind: Type.Optional(Type.String({ maxLength: 64 })) });
export const RuleList = Type.Object({ items: Type.Array(RuleView) });
export const RuleImportBody = Type.Object({ rules: Type.Array(RuleInput, { minItems: 1, maxItems: 500 }) }, { additionalProperties: false });
export const RuleImportResult = Type.Object({ created: Type.Integer(), updated: Type.Integer() });
export const Defaults = Type.Object({ rules: Type.Array(RuleInput) });

export const IntakeStatus = Type.Object({
  transport: Nullable(Type.String()),
  messages: Type.Integer(),
  accepted: Type.Integer(),
  readingsStored: Type.Integer(),
  rejected: Type.Record(Type.String(), Type.Integer()),
  flushes: Type.Integer(),
  flushErrors: Type.Integer(),
  lastFlushMs: Type.Integer(),
  buffered: Type.Integer(),
  devices: Type.Integer(),
  activeAlarms: Type.Integer(),
});
