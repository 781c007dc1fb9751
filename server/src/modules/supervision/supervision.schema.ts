import { Type, type Static, type TSchema } from 'typebox';
import { PageQuery, StringEnum } from '../../http/pagination.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Level = StringEnum(['remind', 'supervise', 'listed']);
const Status = StringEnum(['open', 'replied', 'closed']);
const Satisfaction = StringEnum(['satisfied', 'basically_satisfied', 'dissatisfied']);

export const ListBody = Type.Object(
  {
    /** What the leader requires of the unit (督办要求). */
    requirement: Type.String({ maxLength: 1000 }),
    /** When the written reply is due. */
    replyDeadline: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);
export type ListBody = Static<typeof ListBody>;

export const ReplyBody = Type.Object({ reply: Type.String({ maxLength: 2000 }) }, { additionalProperties: false });
export type ReplyBody = Static<typeof ReplyBody>;

export const CloseBody = Type.Object({ note: Type.Optional(Type.String({ maxLength: 1000 })) }, { additionalProperties: false });
export type CloseBody = Static<typeof CloseBody>;

export const SupervisionQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    level: Type.Optional(Level),
    status: Type.Optional(Status),
    divisionCode: Type.Optional(Type.String({ pattern: '^[0-9]{6,14}$' })),
    /** Only those whose written reply is due, missing and late. */
    overdueReply: Type.Optional(Type.Boolean()),
  }),
]);
export type SupervisionQuery = Static<typeof SupervisionQuery>;

export const SupervisionView = Type.Object({
  id: Type.Integer(),
  eventId: Type.Integer(),
  level: Level,
  trigger: StringEnum(['auto', 'manual']),
  phase: Nullable(Type.String()),
  phaseDeadline: Nullable(Type.String()),
  organizationId: Nullable(Type.Integer()),
  organizationName: Nullable(Type.String()),
  requirement: Type.String(),
  replyRequired: Type.Boolean(),
  replyDeadline: Nullable(Type.String()),
  /** A reply is due, missing and late. */
  replyOverdue: Type.Boolean(),
  reply: Nullable(Type.String()),
  repliedAt: Nullable(Type.String()),
  repliedByName: Nullable(Type.String()),
  status: Status,
  createdByName: Nullable(Type.String()),
  createdAt: Type.String(),
  closedAt: Nullable(Type.String()),
  /** I may write the reply (my unit is addressed and a reply is still due). */
  canReply: Type.Boolean(),
  /** I may close it (an open 挂牌督办 and I hold the listing permission). */
  canClose: Type.Boolean(),
});

const EventBrief = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  title: Type.String(),
  state: Type.String(),
  divisionCode: Type.String(),
  divisionName: Nullable(Type.String()),
  phase: Nullable(Type.String()),
  phaseDeadline: Nullable(Type.String()),
  light: Nullable(StringEnum(['green', 'yellow', 'red'])),
});

export const SupervisionListItem = Type.Object({ ...SupervisionView.properties, event: EventBrief });

export const SupervisionPage = Type.Object({
  items: Type.Array(SupervisionListItem),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});

export const CallbackBody = Type.Object(
  {
    satisfaction: Satisfaction,
    resolved: Type.Boolean(),
    comment: Type.Optional(Type.String({ maxLength: 1000 })),
    /** Staff only: whether the reporter was reached (是否联系) and the callback counts (是否有效回访). */
    contacted: Type.Optional(Type.Boolean()),
    valid: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type CallbackBody = Static<typeof CallbackBody>;

export const CallbackView = Type.Object({
  id: Type.Integer(),
  closedAt: Type.String(),
  satisfaction: Satisfaction,
  resolved: Type.Boolean(),
  contacted: Type.Boolean(),
  valid: Type.Boolean(),
  comment: Type.String(),
  channel: StringEnum(['h5', 'staff', 'open311']),
  recordedByName: Nullable(Type.String()),
  handlingUnitName: Nullable(Type.String()),
  at: Type.String(),
});

/** The supervision and callback panel of the event page. */
export const EventSupervision = Type.Object({
  items: Type.Array(SupervisionView),
  /** I may list this event (挂牌督办). */
  canList: Type.Boolean(),
  /** When I may list it: the reply deadline first offered (the supervision rules' 挂牌督办 reply limit from now). */
  listReplyDeadline: Type.Union([Type.String(), Type.Null()]),
  callbacks: Type.Array(CallbackView),
  /** I may record the callback of the current closure. */
  canCallback: Type.Boolean(),
});

export const PublicCallbackBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 64 }),
    satisfaction: Satisfaction,
    resolved: Type.Boolean(),
    comment: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type PublicCallbackBody = Static<typeof PublicCallbackBody>;

/** What the resident's page shows: whether a callback is asked for, and the one given. Nothing personal. */
export const PublicCallback = Type.Object({
  canCallback: Type.Boolean(),
  callback: Nullable(Type.Object({ satisfaction: Satisfaction, resolved: Type.Boolean(), comment: Type.String(), at: Type.String() })),
});
