import { Type, type Static, type TSchema } from 'typebox';
import { PageQuery, StringEnum } from '../../http/pagination.ts';
import { PointInput } from '../../gis/coordinates.ts';
import { eventSources } from './events.tables.ts';
import { eventActions, eventStates, routeActions } from './event-workflow.ts';
import { queueNames } from './queues.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Urgency = StringEnum(['normal', 'urgent', 'critical']);
const Source = StringEnum(eventSources);
const FileIds = Type.Array(Type.Integer({ minimum: 1 }), { maxItems: 9, uniqueItems: true });
const Light = Nullable(StringEnum(['green', 'yellow', 'red']));

export const IntakeBody = Type.Object(
  {
    source: Source,
    categoryCode: Type.String({ minLength: 1, maxLength: 16 }),
    description: Type.String({ maxLength: 2000 }),
    title: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    location: Type.Optional(PointInput),
    address: Type.Optional(Type.String({ maxLength: 200 })),
    fileIds: Type.Optional(FileIds),
    reporter: Type.Optional(Type.Object({ name: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })), phone: Type.Optional(Type.String({ minLength: 5, maxLength: 20 })) }, { additionalProperties: false })),
    urgency: Type.Optional(Urgency),
    sourceRef: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
    idempotencyKey: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false },
);
export type IntakeBody = Static<typeof IntakeBody>;

export const PublicIntakeBody = Type.Object(
  {
    categoryCode: Type.String({ minLength: 1, maxLength: 16 }),
    description: Type.String({ minLength: 1, maxLength: 1000 }),
    location: Type.Optional(PointInput),
    address: Type.Optional(Type.String({ maxLength: 200 })),
    /** `<fileId>.<secret>` as returned by the public upload. */
    photos: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9]{1,12}\\.[A-Za-z0-9_-]{20,64}$' }), { maxItems: 6, uniqueItems: true })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    phone: Type.Optional(Type.String({ minLength: 5, maxLength: 20 })),
  },
  { additionalProperties: false },
);
export type PublicIntakeBody = Static<typeof PublicIntakeBody>;

export const ActionParams = Type.Object({ id: Type.Integer({ minimum: 1 }), action: StringEnum(routeActions) });

export const ActionBody = Type.Object(
  {
    reason: Type.Optional(Type.String({ maxLength: 500 })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    fileIds: Type.Optional(FileIds),
    organizationId: Type.Optional(Type.Integer({ minimum: 1 })),
    /** register: the 立案条件 that applies (one of the category's active ones); else the first is used at dispatch. */
    standardId: Type.Optional(Type.Integer({ minimum: 1 })),
    coUnitIds: Type.Optional(Type.Array(Type.Integer({ minimum: 1 }), { minItems: 1, maxItems: 10, uniqueItems: true })),
    until: Type.Optional(Type.String({ format: 'date-time' })),
    location: Type.Optional(PointInput),
    decision: Type.Optional(StringEnum(['approve', 'reject'])),
    clientActionId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type ActionBody = Static<typeof ActionBody>;

export const MergeBody = Type.Object(
  { intoId: Type.Integer({ minimum: 1 }), note: Type.Optional(Type.String({ maxLength: 500 })), clientActionId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
  { additionalProperties: false },
);
export type MergeBody = Static<typeof MergeBody>;

export const ListQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    queue: Type.Optional(StringEnum(queueNames)),
    state: Type.Optional(StringEnum(eventStates)),
    source: Type.Optional(Source),
    categoryCode: Type.Optional(Type.String({ maxLength: 16 })),
    divisionCode: Type.Optional(Type.String({ pattern: '^[0-9]{6,14}$' })),
    urgency: Type.Optional(Urgency),
    keyword: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    overdue: Type.Optional(Type.Boolean()),
    from: Type.Optional(Type.String({ format: 'date-time' })),
    to: Type.Optional(Type.String({ format: 'date-time' })),
  }),
]);
export type ListQuery = Static<typeof ListQuery>;

export const EventSummary = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  source: Source,
  categoryCode: Nullable(Type.String()),
  categoryName: Nullable(Type.String()),
  title: Type.String(),
  address: Type.String(),
  divisionCode: Type.String(),
  divisionName: Nullable(Type.String()),
  gridCode: Nullable(Type.String()),
  urgency: Urgency,
  state: Type.String(),
  phase: Nullable(Type.String()),
  phaseDeadline: Nullable(Type.String()),
  light: Light,
  handlingUnitId: Nullable(Type.Integer()),
  handlingUnitName: Nullable(Type.String()),
  reportedAt: Type.String(),
});
export type EventSummary = Static<typeof EventSummary>;

export const EventPage = Type.Object({
  items: Type.Array(EventSummary),
  total: Type.Integer(),
  /** true when more than `total` events match (counting stops at 1,000: fifty pages, more than anyone pages through). */
  capped: Type.Boolean(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const QueueCounts = Type.Object({ items: Type.Array(Type.Object({ queue: StringEnum(queueNames), states: Type.Array(Type.String()), count: Type.Integer() })) });

const Duplicate = Type.Object({ id: Type.Integer(), code: Type.String(), state: Type.String(), title: Type.String(), reportedAt: Type.String(), distanceMeters: Type.Number() });

const Unit = Type.Object({ id: Type.Integer(), name: Type.String() });

export const EventView = Type.Object({
  ...EventSummary.properties,
  description: Type.String(),
  sourceRef: Nullable(Type.String()),
  /** The 立案条件 applied at 立案 (or at dispatch, the category's first); null before. */
  standardId: Nullable(Type.Integer()),
  lng: Nullable(Type.Number()),
  lat: Nullable(Type.Number()),
  reporterName: Nullable(Type.String()),
  /** Masked (138****5678): the full number is personal data. */
  reporterPhone: Nullable(Type.String()),
  stage: Type.String(),
  phaseStartedAt: Nullable(Type.String()),
  coUnits: Type.Array(Unit),
  handleDeadline: Nullable(Type.String()),
  handleTimedOut: Type.Boolean(),
  extensionCount: Type.Integer(),
  extensionRequest: Nullable(Type.String()),
  suspendedUntil: Nullable(Type.String()),
  reworkCount: Type.Integer(),
  returnCount: Type.Integer(),
  dispatchCount: Type.Integer(),
  closeType: Nullable(Type.String()),
  closedAt: Nullable(Type.String()),
  appealStatus: Type.String(),
  mergedIntoId: Nullable(Type.Integer()),
  version: Type.Integer(),
});
export type EventView = Static<typeof EventView>;

export const IntakeResult = Type.Object({ event: EventView });

const HistoryEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  actorType: Type.String(),
  actorName: Type.String(),
  action: Type.String(),
  fromState: Nullable(Type.String()),
  toState: Type.String(),
  note: Type.String(),
  organizationId: Nullable(Type.Integer()),
  organizationName: Nullable(Type.String()),
  fileIds: Type.Array(Type.Integer()),
  details: Type.Record(Type.String(), Type.Unknown()),
});

const Photo = Type.Object({ id: Type.Integer(), mime: Type.String(), name: Type.String(), hasThumbnail: Type.Boolean() });

export const EventDetail = Type.Object({
  event: EventView,
  timeline: Type.Array(HistoryEntry),
  photos: Type.Object({ before: Type.Array(Photo), after: Type.Array(Photo) }),
  duplicates: Type.Array(Duplicate),
  /** What I may do now: the workflow's actions from this state that my permissions and units allow. */
  actions: Type.Array(StringEnum(eventActions)),
  canMerge: Type.Boolean(),
  /** From the routing rules, best first; priority null marks the standard's default unit. */
  dispatchSuggestions: Type.Array(Type.Object({ organizationId: Type.Integer(), name: Type.String(), priority: Nullable(Type.Integer()) })),
});
export type EventDetail = Static<typeof EventDetail>;

export const PublicReceipt = Type.Object({
  code: Type.String(),
  /** Shown once: with the code it opens the progress page. Only its hash is stored. */
  followToken: Type.String(),
});

export const PublicProgress = Type.Object({
  code: Type.String(),
  categoryName: Nullable(Type.String()),
  reportedAt: Type.String(),
  stage: Type.String(),
  steps: Type.Array(Type.Object({ stage: Type.String(), at: Nullable(Type.String()) })),
  reply: Nullable(Type.String()),
});

export const PublicUpload = Type.Object({ photo: Type.String(), mime: Type.String(), size: Type.Integer() });

export const PublicCategories = Type.Object({
  items: Type.Array(Type.Object({ code: Type.String(), kind: StringEnum(['component', 'event']), majorName: Type.String(), minorName: Type.String(), nameEn: Nullable(Type.String()) })),
});
