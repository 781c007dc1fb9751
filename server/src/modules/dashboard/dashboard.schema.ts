import { Type, type Static, type TSchema } from 'typebox';
import { StringEnum } from '../../http/pagination.ts';
import { EventSummary } from '../events/events.schema.ts';
import { eventSources } from '../events/events.tables.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const DashboardParams = Type.Object({ code: Type.String({ pattern: '^[0-9]{6}([0-9]{3}([0-9]{3}([0-9]{2})?)?)?$' }) });
export type DashboardParams = Static<typeof DashboardParams>;

export const SnapshotQuery = Type.Object(
  {
    /** The period of the rankings, the heatmap and the source mix: the last N local days, today included. */
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })),
    /** How many 小类 the category ranking lists. */
    top: Type.Optional(Type.Integer({ minimum: 1, maximum: 30, default: 10 })),
  },
  { additionalProperties: false },
);
export type SnapshotQuery = Static<typeof SnapshotQuery>;

export const FeedQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 20 })) }, { additionalProperties: false });
export type FeedQuery = Static<typeof FeedQuery>;

const SupervisionLevel = Nullable(StringEnum(['remind', 'supervise', 'listed']));

export const DashboardEvent = Type.Object({ ...EventSummary.properties, supervisionLevel: SupervisionLevel });
export type DashboardEvent = Static<typeof DashboardEvent>;

const Area = Type.Object({ code: Type.String(), name: Type.String(), level: StringEnum(['county', 'town', 'village', 'grid']) });

const EventList = Type.Object({ total: Type.Integer(), items: Type.Array(DashboardEvent) });

export const Snapshot = Type.Object({
  /** The chosen division, and the way down to it from the top of the caller's scope (the breadcrumb). */
  division: Area,
  path: Type.Array(Area),
  generatedAt: Type.String(),
  /** The local (Asia/Shanghai) date "today" means. */
  today: Type.String(),
  period: Type.Object({ days: Type.Integer(), from: Type.String() }),
  /** Events reported today, and how many of them reached each later step (an event counts in every step up to the furthest it reached). */
  funnel: Type.Object({ reported: Type.Integer(), registered: Type.Integer(), dispatched: Type.Integer(), handled: Type.Integer(), closed: Type.Integer() }),
  counts: Type.Object({ open: Type.Integer(), overdue: Type.Integer(), supervised: Type.Integer(), reportedToday: Type.Integer(), closedToday: Type.Integer() }),
  /** Open events past their phase deadline, the longest overdue first. */
  overdue: EventList,
  /** Events under 催办 / 督办 / 挂牌督办, the highest level first. */
  supervised: EventList,
  categories: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), nameEn: Nullable(Type.String()), count: Type.Integer() })),
  sources: Type.Array(Type.Object({ source: StringEnum(eventSources), count: Type.Integer() })),
  /**
   * The areas one level below the chosen division (villages of a town, grids of a village) with the
   * events reported in the period and those open and overdue now, most reports first. A grid has no
   * level below: its sibling grids are ranked and `current` marks it.
   */
  ranking: Type.Object({
    level: StringEnum(['town', 'village', 'grid']),
    items: Type.Array(Type.Object({ code: Type.String(), name: Type.String(), reported: Type.Integer(), open: Type.Integer(), overdue: Type.Integer(), current: Type.Boolean() })),
  }),
  /** Events of the period with a location, counted per square cell of `cellDegrees` (the cell centres). */
  heatmap: Type.Object({ cellDegrees: Type.Number(), points: Type.Array(Type.Object({ lng: Type.Number(), lat: Type.Number(), count: Type.Integer() })), capped: Type.Boolean() }),
  latest: Type.Array(DashboardEvent),
  /** Figures other modules contribute (see dashboard-indicators.ts); none yet. */
  indicators: Type.Array(Type.Object({ key: Type.String(), value: Nullable(Type.Number()), unit: StringEnum(['count', 'percent']) })),
});
export type Snapshot = Static<typeof Snapshot>;

export const Feed = Type.Object({ items: Type.Array(DashboardEvent) });
