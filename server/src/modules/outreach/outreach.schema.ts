import { Type, type Static, type TSchema } from 'typebox';
import { Page, PageQuery, StringEnum } from '../../http/pagination.ts';
import { channels, messageStatuses, policyParties } from './outreach.tables.ts';
import { templateVariables } from './templates.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Channel = StringEnum(channels);
const CategoryCode = Type.String({ pattern: '^[CE][0-9]{4}$' });
const ClockTime = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });
const Channels = Type.Array(Channel, { minItems: 1, maxItems: 2, uniqueItems: true });
const DateTime = Type.String({ format: 'date-time' });

export const EventParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });

// ---- reminders on an event
export const RemindBody = Type.Object(
  {
    /** The plate the video AI read (looked up in the plate registry). */
    plate: Type.Optional(Type.String({ minLength: 5, maxLength: 16 })),
    channels: Type.Optional(Channels),
  },
  { additionalProperties: false },
);
export type RemindBody = Static<typeof RemindBody>;

export const RecheckBody = Type.Object(
  {
    complied: Type.Boolean(),
    /** detection: the next video-AI detection decided; manual: a person looked. */
    source: Type.Optional(StringEnum(['detection', 'manual'])),
  },
  { additionalProperties: false },
);
export type RecheckBody = Static<typeof RecheckBody>;

const MessageSummary = Type.Object({
  id: Type.Integer(),
  channel: Channel,
  status: StringEnum(messageStatuses),
  reason: Nullable(Type.String()),
  recipient: Type.String({ description: 'masked' }),
  attempts: Type.Integer(),
  nextAttemptAt: Nullable(DateTime),
  sentAt: Nullable(DateTime),
  deliveredAt: Nullable(DateTime),
});

export const ReminderView = Type.Object({
  id: Type.Integer(),
  status: StringEnum(['no_party', 'not_sent', 'awaiting', 'complied', 'not_complied', 'expired', 'superseded']),
  partyKind: Nullable(StringEnum(['enterprise', 'vehicle'])),
  partyName: Nullable(Type.String()),
  recipient: Nullable(Type.String({ description: 'masked' })),
  graceMinutes: Nullable(Type.Integer()),
  recheckDueAt: Nullable(DateTime),
  resolvedAt: Nullable(DateTime),
  resolvedSource: Nullable(Type.String()),
  createdAt: DateTime,
  messages: Type.Array(MessageSummary),
});

export const EventOutreach = Type.Object({
  /** The category allows a reminder (the panel shows at all). */
  eligible: Type.Boolean(),
  /** A reminder may be sent now (state, permission, none waiting). */
  canRemind: Type.Boolean(),
  canRecheck: Type.Boolean(),
  reminders: Type.Array(ReminderView),
});

// ---- the outreach log
export const MessageQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    status: Type.Optional(StringEnum(messageStatuses)),
    channel: Type.Optional(Channel),
    from: Type.Optional(DateTime),
    to: Type.Optional(DateTime),
    eventId: Type.Optional(Type.Integer({ minimum: 1 })),
  }),
]);
export type MessageQuery = Static<typeof MessageQuery>;

export const MessagePage = Page(
  Type.Object({
    id: Type.Integer(),
    eventId: Nullable(Type.Integer()),
    eventCode: Nullable(Type.String()),
    partyName: Nullable(Type.String()),
    channel: Channel,
    body: Type.String(),
    recipient: Type.String({ description: 'masked' }),
    status: StringEnum(messageStatuses),
    reason: Nullable(Type.String()),
    lastError: Nullable(Type.String()),
    provider: Nullable(Type.String()),
    attempts: Type.Integer(),
    nextAttemptAt: DateTime,
    createdAt: DateTime,
    sentAt: Nullable(DateTime),
    deliveredAt: Nullable(DateTime),
  }),
);

export const RatesQuery = Type.Object({ from: DateTime, to: DateTime, divisionCode: Type.Optional(Type.String({ pattern: '^[0-9]{6,14}$' })) });
export const Rates = Type.Object({
  eligible: Type.Integer(),
  reminded: Type.Integer(),
  complied: Type.Integer(),
  outreachRate: Nullable(Type.Number()),
  complianceRate: Nullable(Type.Number()),
});

// ---- templates, policies, settings
export const TemplateView = Type.Object({
  id: Type.Integer(),
  categoryCode: Nullable(Type.String()),
  channel: Channel,
  body: Type.String(),
  providerTemplateCode: Nullable(Type.String()),
  active: Type.Boolean(),
  updatedAt: DateTime,
});

export const TemplateCatalog = Type.Object({
  variables: Type.Array(StringEnum(templateVariables)),
  defaults: Type.Array(TemplateView),
  categories: Type.Array(
    Type.Object({
      code: Type.String(),
      name: Type.String(),
      nameEn: Nullable(Type.String()),
      graceMinutes: Type.Integer(),
      channels: Type.Array(Channel),
      /** false: this category uses the default grace period and channels. */
      ownPolicy: Type.Boolean(),
      party: StringEnum(policyParties),
      templates: Type.Array(TemplateView),
    }),
  ),
});

const TemplateFields = {
  body: Type.String({ maxLength: 500 }),
  providerTemplateCode: Type.Optional(Nullable(Type.String({ pattern: '^[A-Za-z0-9_]{1,64}$' }))),
  active: Type.Optional(Type.Boolean()),
};
export const TemplateCreate = Type.Object({ categoryCode: Nullable(CategoryCode), channel: Channel, ...TemplateFields }, { additionalProperties: false });
export type TemplateCreate = Static<typeof TemplateCreate>;
export const TemplateUpdate = Type.Object(TemplateFields, { additionalProperties: false });
export type TemplateUpdate = Static<typeof TemplateUpdate>;

export const PreviewBody = Type.Object({ body: Type.String({ maxLength: 500 }), categoryCode: Type.Optional(CategoryCode) }, { additionalProperties: false });
export const Preview = Type.Object({ text: Type.String(), length: Type.Integer() });

export const PolicyParams = Type.Object({ code: CategoryCode });
export const PolicyBody = Type.Object(
  { graceMinutes: Type.Integer({ minimum: 1, maximum: 1440 }), channels: Channels, party: Type.Optional(StringEnum(policyParties, { description: 'spot: the shop at the spot; vehicle: the owner of the plate the video AI read, else the shop' })) },
  { additionalProperties: false },
);
export type PolicyBody = Static<typeof PolicyBody>;

export const Settings = Type.Object(
  {
    quietHours: Type.Object({ start: ClockTime, end: ClockTime, smsAllowed: Type.Boolean() }, { additionalProperties: false }),
    rateLimit: Type.Object({ maxMessages: Type.Integer({ minimum: 1, maximum: 100 }), windowHours: Type.Integer({ minimum: 1, maximum: 720 }) }, { additionalProperties: false }),
    partyRadiusMeters: Type.Integer({ minimum: 5, maximum: 500 }),
    defaultGraceMinutes: Type.Integer({ minimum: 1, maximum: 1440 }),
    defaultChannels: Channels,
    sign: Type.String({ minLength: 1, maxLength: 40 }),
  },
  { additionalProperties: false },
);

// ---- opt-outs
export const OptOutBody = Type.Object({ phone: Type.String({ minLength: 5, maxLength: 20 }), reason: Type.Optional(Type.String({ maxLength: 200 })) }, { additionalProperties: false });
export type OptOutBody = Static<typeof OptOutBody>;
export const OptOutView = Type.Object({ id: Type.Integer(), phone: Type.String({ description: 'masked' }), reason: Type.String(), divisionCode: Type.String(), createdByName: Nullable(Type.String()), createdAt: DateTime });
export const OptOutPage = Page(OptOutView);

// ---- delivery receipts from the webhook gateway
export const WebhookReceipt = Type.Object({ id: Type.String({ minLength: 1, maxLength: 128 }), status: StringEnum(['delivered', 'failed']), reason: Type.Optional(Type.String({ maxLength: 200 })) });
