import { Type, type Static } from 'typebox';
import { PageQuery, StringEnum } from '../../http/pagination.ts';
import { zoneTypes } from '../devices/devices.tables.ts';
import { Zone } from '../devices/devices.schema.ts';
import { detectionSources } from './video.tables.ts';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const DivisionCode = Type.String({ pattern: '^[0-9]{6,14}$' });
const Label = Type.String({ pattern: '^[a-z][a-z _-]{0,39}$', description: 'a COCO label such as car, person, dining table' });

export const TokenParams = Type.Object({ token: Type.String({ maxLength: 100 }) });
export const Accepted = Type.Object({ accepted: Type.Integer({ description: 'detections taken in (0 for a heartbeat or a false positive)' }) });

export const CameraVideoBody = Type.Object(
  {
    sourceName: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: "the name detections carry for this camera: Frigate's camera name, the webhook's camera" }),
    frigateUrl: Nullable(Type.String({ pattern: '^https?://', maxLength: 300, description: 'base URL of the Frigate HTTP API serving this camera (snapshots)' })),
    detectorEnabled: Type.Boolean({ description: 'run the built-in detector on this camera' }),
    detectorIntervalSeconds: Type.Integer({ minimum: 5, maximum: 86_400 }),
    detectorSource: Nullable(Type.String({ minLength: 1, maxLength: 500, description: 'frames for the built-in detector: http(s) URL or a file under <data dir>/frames/; null: the snapshot URL' })),
    pushVia: Type.Optional(Nullable(Type.Integer({ minimum: 1, description: "behind an NVR: the camera whose Hikvision / Dahua push URL the NVR uses; null: the camera's own URL; left out: unchanged" }))),
    nvrChannel: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 1024, description: "the camera's channel on its NVR (1-based, as in the NVR's UI); pushes are attributed by it; left out: unchanged" }))),
  },
  { additionalProperties: false },
);
export type CameraVideoBody = Static<typeof CameraVideoBody>;

export const CameraVideoView = Type.Object({
  deviceId: Type.Integer(),
  name: Type.String(),
  address: Nullable(Type.String()),
  aiEnabled: Type.Boolean(),
  snapshotUrl: Nullable(Type.String()),
  settings: Nullable(
    Type.Object({ ...CameraVideoBody.properties, pushVia: Nullable(Type.Integer()), nvrChannel: Nullable(Type.Integer()), pushViaName: Nullable(Type.String()), pushTokenIssuedAt: Nullable(Type.String()) }),
  ),
  snapshot: Nullable(Type.Object({ fileId: Type.Integer(), at: Type.String(), width: Nullable(Type.Integer()), height: Nullable(Type.Integer()) })),
  snapshotError: Nullable(Type.String()),
  snapshotErrorAt: Nullable(Type.String()),
  zones: Type.Array(Type.Object({ id: Type.Integer(), ...Zone.properties, active: Type.Boolean() })),
});

export const PushToken = Type.Object({
  token: Type.String({ description: 'shown once' }),
  issuedAt: Type.String(),
  hikvisionPath: Type.String(),
  dahuaPath: Type.String(),
});

export const RuleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 60 }),
    labels: Type.Array(Label, { maxItems: 20, uniqueItems: true }),
    vendorCodes: Type.Array(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,60}$' }), { maxItems: 20, uniqueItems: true }),
    zoneType: Nullable(StringEnum(zoneTypes)),
    withLabels: Type.Array(Label, { maxItems: 20, uniqueItems: true }),
    minDwellSeconds: Type.Integer({ minimum: 0, maximum: 86_400 }),
    requireStationary: Type.Boolean(),
    minScore: Type.Number({ minimum: 0, maximum: 1 }),
    categoryCode: Type.String({ pattern: '^[CE][0-9]{4}$' }),
    priority: Type.Integer({ minimum: 0, maximum: 10_000 }),
    active: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type RuleBody = Static<typeof RuleBody>;
export const RuleView = Type.Object({
  id: Type.Integer(),
  ...RuleBody.properties,
  categoryName: Nullable(Type.String()),
  reminderFirst: Type.Boolean({ description: "the category allows a reminder first: the event waits for the party to comply before 立案" }),
  graceMinutes: Nullable(Type.Integer({ description: "the reminder's grace period (the category's outreach policy, else the default); null without a reminder" })),
  updatedAt: Type.String(),
});
export const RuleList = Type.Object({ items: Type.Array(RuleView) });

export const DetectionQuery = Type.Object({
  ...PageQuery.properties,
  divisionCode: Type.Optional(DivisionCode),
  withEvent: Type.Optional(Type.Boolean()),
});
export type DetectionQuery = Static<typeof DetectionQuery>;

export const DetectionView = Type.Object({
  id: Type.Integer(),
  deviceId: Type.Integer(),
  cameraName: Type.String(),
  source: StringEnum(detectionSources),
  trackKey: Type.String({ description: 'the source\'s id of the object (Frigate event id, …)' }),
  label: Type.String(),
  subLabel: Nullable(Type.String()),
  vendorCode: Nullable(Type.String()),
  score: Nullable(Type.Number()),
  box: Nullable(Type.Array(Type.Number())),
  zones: Type.Array(Type.String()),
  stationary: Type.Boolean(),
  firstAt: Type.String(),
  lastAt: Type.String(),
  endedAt: Nullable(Type.String()),
  endReason: Nullable(Type.String()),
  updates: Type.Integer(),
  ruleName: Nullable(Type.String()),
  categoryCode: Nullable(Type.String()),
  categoryName: Nullable(Type.String()),
  eventId: Nullable(Type.Integer()),
  eventCode: Nullable(Type.String()),
  eventState: Nullable(Type.String()),
  eventError: Nullable(Type.String()),
  snapshotFileId: Nullable(Type.Integer()),
  snapshotError: Nullable(Type.String()),
});

export const TodayQuery = Type.Object({ divisionCode: Type.Optional(DivisionCode) });
export const Today = Type.Object({ since: Type.String({ description: 'midnight Asia/Shanghai' }), detections: Type.Integer(), events: Type.Integer() });

export const IntakeStatus = Type.Object({
  messages: Type.Integer(),
  detections: Type.Integer(),
  refused: Type.Record(Type.String(), Type.Integer()),
  tracksOpen: Type.Integer(),
  rowsWritten: Type.Integer(),
  eventsOpened: Type.Integer(),
  eventErrors: Type.Integer(),
  snapshotErrors: Type.Integer(),
  eventLatencyP50Ms: Nullable(Type.Number()),
  eventLatencyP99Ms: Nullable(Type.Number()),
  cameras: Type.Integer(),
  rules: Type.Integer(),
  recentRefusals: Type.Array(Type.Object({ at: Type.String(), source: Type.String(), code: Type.String(), camera: Nullable(Type.String()), detail: Type.String(), remote: Nullable(Type.String()) })),
});
