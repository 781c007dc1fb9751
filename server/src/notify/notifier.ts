import type { FastifyBaseLogger } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Locale, MessageKey, MessageParams } from '../i18n/messages.ts';
import { translate } from '../i18n/messages.ts';
import type { RealtimeHub } from '../realtime/realtime-hub.ts';
import { notifyRepo } from './notify.repo.ts';

/**
 * In-app notices: one row per recipient, written in the caller's transaction (so a notice exists
 * exactly when the step that caused it committed), then handed to the delivery channels.
 *
 * A notice stores a kind and its parameters, never a rendered text: each reader sees it in their
 * own language. The kinds are the `notice.*` keys of server/src/i18n/messages.ts.
 */
export type NoticeKind = MessageKey extends infer K ? (K extends `notice.${infer Kind}` ? Kind : never) : never;

export interface Notice {
  kind: NoticeKind;
  params: MessageParams;
  /** What the notice is about (the web links `event` notices to the event page). */
  entity?: { type: string; id: number | string };
}

/**
 * Who receives a notice: named users, or the active users of an organisation. With `preferRole`, only
 * the organisation's users holding that role (e.g. `unit_head`) — or all of them when nobody does, so a
 * notice never goes unseen.
 */
export type Recipients = { userIds: number[] } | { organizationId: number; preferRole?: string };

export interface WrittenNotice {
  id: number;
  userId: number;
  kind: NoticeKind;
  params: MessageParams;
  entityType: string | null;
  entityId: string | null;
}

/**
 * Where committed notices go. The in-app stream (SSE) is the built-in channel; SMS and voice
 * providers (the outreach module) plug in with `Notifier.addChannel`. A channel must not assume it is
 * inside a transaction: it runs after the commit and its failure never undoes the step.
 */
export interface NoticeChannel {
  name: string;
  deliver(notices: WrittenNotice[]): void | Promise<void>;
}

export function noticeText(locale: Locale, kind: string, params: MessageParams): string {
  return translate(locale, `notice.${kind}` as MessageKey, params);
}

export class Notifier {
  private readonly channels: NoticeChannel[] = [];

  constructor(private readonly log: FastifyBaseLogger) {}

  addChannel(channel: NoticeChannel): void {
    this.channels.push(channel);
  }

  /** Writes one notice per recipient inside `trx`; call `deliver` with the result after the commit. */
  async write(trx: Transaction<DB> | Kysely<DB>, recipients: Recipients, notice: Notice): Promise<WrittenNotice[]> {
    const userIds = await recipientIds(trx, recipients);
    const entityType = notice.entity?.type ?? null;
    const entityId = notice.entity ? String(notice.entity.id) : null;
    const rows = await notifyRepo.insert(trx, userIds, { kind: notice.kind, params: notice.params, entityType, entityId });
    return rows.map((row) => ({ id: row.id, userId: row.user_id, kind: notice.kind, params: notice.params, entityType, entityId }));
  }

  /** Hands committed notices to every channel; a failing channel is logged, never thrown. */
  deliver(notices: WrittenNotice[]): void {
    if (notices.length === 0) return;
    for (const channel of this.channels) {
      Promise.resolve()
        .then(() => channel.deliver(notices))
        .catch((error: unknown) => this.log.error({ err: error, channel: channel.name }, 'notice delivery failed'));
    }
  }
}

async function recipientIds(db: Transaction<DB> | Kysely<DB>, recipients: Recipients): Promise<number[]> {
  if ('userIds' in recipients) return (await notifyRepo.activeUsers(db, [...new Set(recipients.userIds)])).map((u) => u.id);
  const users = await notifyRepo.organizationUsers(db, recipients.organizationId, recipients.preferRole ?? '');
  const preferred = users.filter((u) => u.has_role);
  return (preferred.length > 0 ? preferred : users).map((u) => u.id);
}

/** The notifier of an app: in-app delivery over the live stream; other channels are added by their modules. */
export function createNotifier(log: FastifyBaseLogger, realtime: RealtimeHub): Notifier {
  const notifier = new Notifier(log);
  notifier.addChannel(inAppChannel(realtime));
  return notifier;
}

/** The built-in channel: a personal `notice.created` message on the live stream (/api/stream). */
export function inAppChannel(realtime: RealtimeHub): NoticeChannel {
  return {
    name: 'in-app',
    deliver(notices) {
      for (const notice of notices) {
        realtime.publish({ type: 'notice.created', divisionCode: '', userId: notice.userId, data: { id: notice.id, kind: notice.kind, entityType: notice.entityType, entityId: notice.entityId } });
      }
    },
  };
}
