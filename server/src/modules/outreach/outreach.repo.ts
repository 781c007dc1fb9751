import { sql, type Insertable, type Kysely, type Selectable, type Transaction, type Updateable } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { DataScope } from '../../auth/actor.ts';
import { divisionPrefix, scopeCondition } from '../../auth/scope-filter.ts';
import { distanceMetres, nearest } from '../../gis/spatial-sql.ts';
import type { LngLat } from '../../gis/coordinates.ts';
import { compliedAfterReminder, reminded, reminderEligible } from './outreach-conditions.ts';
import type { Channel, MessageStatus, OutreachMessageTable, OutreachOptOutTable, OutreachPolicyTable, OutreachReminderTable, OutreachTemplateTable, ReminderStatus, ResolvedSource } from './outreach.tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type MessageRow = Selectable<OutreachMessageTable>;
export type ReminderRow = Selectable<OutreachReminderTable>;

/** Statuses that count against the per-recipient rate limit: everything that was or will be sent. */
const countedStatuses: MessageStatus[] = ['queued', 'sending', 'sent', 'delivered'];

export interface MessageFilter {
  status?: MessageStatus;
  channel?: Channel;
  from?: Date;
  to?: Date;
  eventId?: number;
}

/** Every outreach query. */
export const outreachRepo = {
  // ---- templates and policies
  templates(db: Db) {
    return db.selectFrom('outreach_template').selectAll().orderBy('category_code').orderBy('channel').execute();
  },
  template(db: Db, id: number) {
    return db.selectFrom('outreach_template').selectAll().where('id', '=', id).executeTakeFirst();
  },
  /** The active template for a category and channel: the category's own, else the default. */
  templateFor(db: Db, categoryCode: string, channel: Channel) {
    return db
      .selectFrom('outreach_template')
      .selectAll()
      .where('channel', '=', channel)
      .where('active', '=', true)
      .where((eb) => eb.or([eb('category_code', '=', categoryCode), eb('category_code', 'is', null)]))
      .orderBy(sql`category_code IS NULL`)
      .limit(1)
      .executeTakeFirst();
  },
  insertTemplate(trx: Db, row: Insertable<OutreachTemplateTable>) {
    return trx.insertInto('outreach_template').values(row).returningAll().executeTakeFirstOrThrow();
  },
  updateTemplate(trx: Db, id: number, changes: Updateable<OutreachTemplateTable>) {
    return trx.updateTable('outreach_template').set(changes).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },
  async deleteTemplate(trx: Db, id: number) {
    // Sent messages keep their text; they only lose the link to the template.
    await trx.updateTable('outreach_message').set({ template_id: null }).where('template_id', '=', id).execute();
    await trx.deleteFrom('outreach_template').where('id', '=', id).execute();
  },
  async putPolicy(trx: Db, row: Insertable<OutreachPolicyTable>) {
    await trx
      .insertInto('outreach_policy')
      .values(row)
      .onConflict((oc) => oc.column('category_code').doUpdateSet({ grace_minutes: row.grace_minutes, channels: row.channels, party: row.party, updated_at: row.updated_at }))
      .execute();
  },
  policies(db: Db) {
    return db.selectFrom('outreach_policy').selectAll().orderBy('category_code').execute();
  },
  policy(db: Db, categoryCode: string) {
    return db.selectFrom('outreach_policy').selectAll().where('category_code', '=', categoryCode).executeTakeFirst();
  },
  reminderCategory(db: Db, code: string) {
    return db.selectFrom('event_category').select(['code', 'minor_name', 'reminder_allowed']).where('code', '=', code).where('active', '=', true).executeTakeFirst();
  },
  reminderCategories(db: Db) {
    return db.selectFrom('event_category').select(['code', 'minor_name', 'name_en', 'reminder_allowed']).where('active', '=', true).where('reminder_allowed', '=', true).orderBy('code').execute();
  },

  // ---- responsible parties
  /** Shops and enterprises with a phone within the radius: the same unit grid first, then the nearest. */
  nearestEnterprise(db: Db, point: LngLat, gridCode: string | null, radiusMeters: number) {
    const query = db
      .selectFrom('enterprise')
      .select(['id', 'name', 'address', 'phone_enc', 'phone_masked', 'grid_code'])
      .select(distanceMetres(point).as('distance'))
      .where('phone_enc', 'is not', null)
      .orderBy(sql`grid_code = ${gridCode ?? ''}`, 'desc');
    return nearest(query, point, { limit: 1, withinMetres: radiusMeters }).orderBy('id').executeTakeFirst();
  },
  /** What the video AI read on the object of a detection (a plate, or a Frigate sub-label). */
  async detectionSubLabel(db: Db, detectionId: number) {
    return (await db.selectFrom('video_detection').select('sub_label').where('id', '=', detectionId).executeTakeFirst())?.sub_label ?? null;
  },

  organizationKinds(db: Db, ids: number[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db.selectFrom('organization').select(['id', 'kind']).where('id', 'in', ids).execute();
  },

  // ---- reminders
  insertReminder(trx: Db, row: Insertable<OutreachReminderTable>) {
    return trx.insertInto('outreach_reminder').values(row).returningAll().executeTakeFirstOrThrow();
  },
  /** Every message of a reminder was skipped: nobody was told, so nothing waits for a re-check. */
  markNotSent(trx: Db, id: number) {
    return trx.updateTable('outreach_reminder').set({ status: 'not_sent', recheck_due_at: null }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
  },
  awaitingReminder(db: Db, eventId: number) {
    return db.selectFrom('outreach_reminder').selectAll().where('event_id', '=', eventId).where('status', '=', 'awaiting').executeTakeFirst();
  },
  remindersOf(db: Db, eventId: number) {
    return db.selectFrom('outreach_reminder').selectAll().where('event_id', '=', eventId).orderBy('id', 'desc').execute();
  },
  /** Settles an awaiting reminder; false when someone settled it first. */
  async resolveReminder(trx: Db, id: number, status: ReminderStatus, source: ResolvedSource, at: Date): Promise<boolean> {
    const result = await trx.updateTable('outreach_reminder').set({ status, resolved_source: source, resolved_at: at }).where('id', '=', id).where('status', '=', 'awaiting').executeTakeFirst();
    return result.numUpdatedRows > 0n;
  },
  dueReminders(db: Db, now: Date, limit: number) {
    return db.selectFrom('outreach_reminder').select(['id', 'event_id']).where('status', '=', 'awaiting').where('recheck_due_at', '<=', now).orderBy('recheck_due_at').limit(limit).execute();
  },
  /** Awaiting reminders whose event went on without them (dispatched, closed or cancelled by hand). */
  overtakenReminders(db: Db, waitingStates: readonly string[], limit: number) {
    return db
      .selectFrom('outreach_reminder as r')
      .innerJoin('event as e', 'e.id', 'r.event_id')
      .select(['r.id', 'r.event_id'])
      .where('r.status', '=', 'awaiting')
      .where('e.state', 'not in', waitingStates)
      .limit(limit)
      .execute();
  },

  // ---- messages
  /** Serialises the rate-limit count of one recipient within the transaction (the lock ends with it). */
  async lockRecipient(trx: Db, recipientIdx: string) {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`outreach:${recipientIdx}`}))`.execute(trx);
  },
  async optedOut(db: Db, recipientIdx: string): Promise<boolean> {
    return Boolean(await db.selectFrom('outreach_opt_out').select('id').where('phone_idx', '=', recipientIdx).executeTakeFirst());
  },
  async recentCount(db: Db, recipientIdx: string, since: Date): Promise<number> {
    const row = await db
      .selectFrom('outreach_message')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('recipient_idx', '=', recipientIdx)
      .where('created_at', '>', since)
      .where('status', 'in', countedStatuses)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  },
  insertMessages(trx: Db, rows: Insertable<OutreachMessageTable>[]) {
    return trx.insertInto('outreach_message').values(rows).returning(['id', 'channel', 'status', 'reason', 'next_attempt_at']).execute();
  },
  messagesOf(db: Db, reminderIds: number[]) {
    if (reminderIds.length === 0) return Promise.resolve([]);
    return db.selectFrom('outreach_message').select(['id', 'reminder_id', 'channel', 'status', 'reason', 'recipient_masked', 'attempts', 'next_attempt_at', 'sent_at', 'delivered_at']).where('reminder_id', 'in', reminderIds).orderBy('id').execute();
  },
  async listMessages(db: Db, scope: DataScope, filter: MessageFilter, window: { limit: number; offset: number }) {
    let query = db.selectFrom('outreach_message as m').leftJoin('event as e', 'e.id', 'm.event_id').leftJoin('outreach_reminder as r', 'r.id', 'm.reminder_id').where(scopeCondition(scope, { division: 'm.division_code' }));
    if (filter.status) query = query.where('m.status', '=', filter.status);
    if (filter.channel) query = query.where('m.channel', '=', filter.channel);
    if (filter.from) query = query.where('m.created_at', '>=', filter.from);
    if (filter.to) query = query.where('m.created_at', '<', filter.to);
    if (filter.eventId) query = query.where('m.event_id', '=', filter.eventId);
    const [rows, count] = await Promise.all([
      query
        .select(['m.id', 'm.event_id', 'e.code as event_code', 'r.party_name', 'm.channel', 'm.body', 'm.recipient_masked', 'm.status', 'm.reason', 'm.last_error', 'm.provider', 'm.attempts', 'm.next_attempt_at', 'm.created_at', 'm.sent_at', 'm.delivered_at'])
        .orderBy('m.created_at', 'desc')
        .orderBy('m.id', 'desc')
        .limit(window.limit)
        .offset(window.offset)
        .execute(),
      query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  },

  // ---- the delivery worker
  /**
   * Takes up to `limit` due messages of the open channels for one worker, atomically: a row is
   * claimed by exactly one worker (FOR UPDATE SKIP LOCKED on PostgreSQL; PGlite runs one statement at
   * a time) and stays its own until `leaseUntil`.
   */
  claim(db: Db, claim: { now: Date; channels: Channel[]; limit: number; token: string; leaseUntil: Date; providers: Record<Channel, string> }) {
    if (claim.channels.length === 0) return Promise.resolve([]);
    const due = db
      .selectFrom('outreach_message')
      .select('id')
      .where('status', '=', 'queued')
      .where('next_attempt_at', '<=', claim.now)
      .where('channel', 'in', claim.channels)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(claim.limit)
      .forUpdate()
      .skipLocked();
    return db
      .updateTable('outreach_message')
      .set({
        status: 'sending',
        attempts: sql`attempts + 1`,
        claim_token: claim.token,
        lease_until: claim.leaseUntil,
        provider: sql`CASE channel WHEN 'sms' THEN ${claim.providers.sms} ELSE ${claim.providers.voice} END`,
        updated_at: claim.now,
      })
      .where('id', 'in', due)
      .returningAll()
      .execute();
  },
  /** Records one attempt's result, if the row is still this worker's claim. */
  async settle(trx: Db, id: number, token: string, patch: Partial<Pick<MessageRow, 'status' | 'reason' | 'last_error' | 'provider_message_id' | 'next_attempt_at' | 'sent_at'>> & { updated_at: Date }) {
    const result = await trx
      .updateTable('outreach_message')
      .set({ ...patch, claim_token: null, lease_until: null })
      .where('id', '=', id)
      .where('claim_token', '=', token)
      .where('status', '=', 'sending')
      .returning(['id', 'division_code', 'status', 'reason', 'attempts', 'provider'])
      .executeTakeFirst();
    return result;
  },
  /** Claims whose worker vanished (killed mid-send): the lease ran out. */
  expiredClaims(db: Db, now: Date, limit: number) {
    return db.selectFrom('outreach_message').select(['id', 'claim_token', 'provider', 'division_code', 'attempts']).where('status', '=', 'sending').where('lease_until', '<', now).limit(limit).execute();
  },
  optedOutAmong(db: Db, recipientIdxs: string[]) {
    if (recipientIdxs.length === 0) return Promise.resolve([]);
    return db.selectFrom('outreach_opt_out').select('phone_idx').where('phone_idx', 'in', recipientIdxs).execute();
  },
  /** A delivery receipt: only a sent message can become delivered, or failed after all. */
  receipt(trx: Db, idempotencyKey: string, status: 'delivered' | 'failed', reason: string | null, at: Date) {
    return trx
      .updateTable('outreach_message')
      .set(status === 'delivered' ? { status, delivered_at: at, updated_at: at } : { status, reason: 'receipt', last_error: reason, updated_at: at })
      .where('idempotency_key', '=', idempotencyKey)
      .where('status', '=', 'sent')
      .returning(['id', 'division_code', 'status'])
      .executeTakeFirst();
  },

  // ---- opt-outs
  async listOptOuts(db: Db, scope: DataScope, window: { limit: number; offset: number }) {
    const query = db.selectFrom('outreach_opt_out as o').leftJoin('app_user as u', 'u.id', 'o.created_by').where(scopeCondition(scope, { division: 'o.division_code' }));
    const [rows, count] = await Promise.all([
      query.select(['o.id', 'o.phone_masked', 'o.reason', 'o.division_code', 'u.display_name as created_by_name', 'o.created_at']).orderBy('o.created_at', 'desc').orderBy('o.id', 'desc').limit(window.limit).offset(window.offset).execute(),
      query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  },
  insertOptOut(trx: Db, row: Insertable<OutreachOptOutTable>) {
    return trx.insertInto('outreach_opt_out').values(row).returningAll().executeTakeFirstOrThrow();
  },
  async deleteOptOut(trx: Db, id: number) {
    await trx.deleteFrom('outreach_opt_out').where('id', '=', id).execute();
  },
  optOutVisible(db: Db, scope: DataScope, id: number) {
    return db.selectFrom('outreach_opt_out').selectAll().where('id', '=', id).where(scopeCondition(scope, { division: 'division_code' })).executeTakeFirst();
  },

  // ---- rates (evaluation)
  async rates(db: Db, period: { divisionCode: string | readonly string[]; from: Date; to: Date }) {
    const row = await db
      .selectFrom('event as e')
      .where('e.reported_at', '>=', period.from)
      .where('e.reported_at', '<', period.to)
      .where(divisionPrefix('e.division_code', period.divisionCode))
      .select([
        sql<string>`count(*) FILTER (WHERE ${reminderEligible})`.as('eligible'),
        sql<string>`count(*) FILTER (WHERE ${reminded})`.as('reminded'),
        sql<string>`count(*) FILTER (WHERE ${compliedAfterReminder})`.as('complied'),
      ])
      .executeTakeFirstOrThrow();
    return { eligible: Number(row.eligible), reminded: Number(row.reminded), complied: Number(row.complied) };
  },
};
