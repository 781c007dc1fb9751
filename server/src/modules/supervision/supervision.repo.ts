import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { DataScope } from '../../auth/actor.ts';
import { divisionPrefix } from '../../auth/scope-filter.ts';
import { eventScope } from '../events/events.repo.ts';
import type { EventRow } from '../events/event-effects.ts';
import type { EventCallbackTable, EventSupervisionTable, SupervisionLevel } from './supervision.tables.ts';

type Db = Kysely<DB> | Transaction<DB>;
export type SupervisionRow = Selectable<EventSupervisionTable>;
export type CallbackRow = Selectable<EventCallbackTable>;

/** 催办 < 督办 < 挂牌督办: the event carries the highest one still open. */
export const supervisionLevels: readonly SupervisionLevel[] = ['remind', 'supervise', 'listed'];

export interface SupervisionFilter {
  level?: SupervisionLevel;
  status?: 'open' | 'replied' | 'closed';
  divisionCode?: string;
  /** A written reply is due, missing and late at this instant. */
  replyOverdueAt?: Date;
}

/** Supervision rows with the names the screens show, and the event they concern. */
const viewColumns = [
  's.id',
  's.event_id',
  's.level',
  's.trigger',
  's.phase',
  's.phase_deadline',
  's.organization_id',
  'o.name as organization_name',
  's.requirement',
  's.reply_required',
  's.reply_deadline',
  's.reply',
  's.replied_at',
  'r.display_name as replied_by_name',
  's.status',
  'c.display_name as created_by_name',
  's.created_at',
  's.closed_at',
] as const;

const eventColumns = ['e.code as event_code', 'e.title as event_title', 'e.state as event_state', 'e.division_code as event_division_code', 'dv.name as event_division_name', 'e.urgency as event_urgency', 'e.phase as event_phase', 'e.phase_started_at as event_phase_started_at', 'e.phase_deadline as event_phase_deadline', 'e.handle_limit_unit as event_handle_limit_unit'] as const;

function joined(db: Db) {
  return db
    .selectFrom('event_supervision as s')
    .innerJoin('event as e', 'e.id', 's.event_id')
    .leftJoin('division as dv', 'dv.code', 'e.division_code')
    .leftJoin('organization as o', 'o.id', 's.organization_id')
    .leftJoin('app_user as r', 'r.id', 's.replied_by')
    .leftJoin('app_user as c', 'c.id', 's.created_by');
}

export const supervisionRepo = {
  /** The event, locked until the transaction ends: supervision steps and event steps on it take turns. */
  lockEvent(trx: Db, id: number) {
    return trx.selectFrom('event').selectAll().where('id', '=', id).forUpdate().executeTakeFirst() as Promise<EventRow | undefined>;
  },

  /** Inserts a supervision step unless its unique key exists (an automatic step already taken, a listing already open). */
  insertOnce(trx: Db, row: Insertable<EventSupervisionTable>) {
    return trx.insertInto('event_supervision').values(row).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
  },

  /** Sets the event's supervision_level to the highest level still open and returns it. */
  async recomputeLevel(trx: Db, eventId: number): Promise<SupervisionLevel | null> {
    const result = await sql<{ supervision_level: SupervisionLevel | null }>`
      UPDATE event SET supervision_level = (
        SELECT s.level FROM event_supervision s
        WHERE s.event_id = ${eventId} AND s.status <> 'closed'
        ORDER BY array_position(${sql.val([...supervisionLevels])}::text[], s.level) DESC
        LIMIT 1)
      WHERE id = ${eventId}
      RETURNING supervision_level`.execute(trx);
    return result.rows[0]?.supervision_level ?? null;
  },

  /**
   * Ends what an event step left behind: every open supervision when the event is over, otherwise the
   * automatic ones of a phase (or deadline) the event no longer runs. Compared in SQL with the event
   * row as the step just wrote it.
   */
  closeLeftBehind(trx: Db, eventId: number, eventOver: boolean, at: Date) {
    let q = trx
      .updateTable('event_supervision as s')
      .from('event as e')
      .set({ status: 'closed', closed_at: at })
      .whereRef('e.id', '=', 's.event_id')
      .where('s.event_id', '=', eventId)
      .where('s.status', '<>', 'closed');
    if (!eventOver) q = q.where(sql<boolean>`s.trigger = 'auto' AND (s.phase IS DISTINCT FROM e.phase OR s.phase_deadline IS DISTINCT FROM e.phase_deadline)`);
    return q.returning(['s.id', 's.level', 's.status']).execute();
  },

  /** The town's command center that owns an event's steps outside the units (the nearest one above it). */
  async commandCenterFor(db: Db, divisionCode: string): Promise<number | null> {
    const row = await db
      .selectFrom('organization')
      .select('id')
      .where('kind', '=', 'command_center')
      .where(sql<boolean>`${divisionCode} LIKE division_code || '%'`)
      .orderBy(sql`length(division_code)`, 'desc')
      .orderBy('id')
      .executeTakeFirst();
    return row?.id ?? null;
  },

  /** Open events past their running deadline without a 督办 for it yet, most overdue first. */
  overdueWithoutSupervision(db: Db, now: Date, limit: number) {
    return db
      .selectFrom('event as e')
      .select('e.id')
      .where('e.state', 'not in', ['closed', 'cancelled'])
      .where('e.phase', '<>', 'suspended')
      .where('e.phase_deadline', '<', now)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('event_supervision as s').select('s.id').whereRef('s.event_id', '=', 'e.id').where('s.trigger', '=', 'auto').where('s.level', '=', 'supervise').whereRef('s.phase', '=', 'e.phase').whereRef('s.phase_deadline', '=', 'e.phase_deadline'))),
      )
      .orderBy('e.phase_deadline')
      .limit(limit)
      .execute();
  },

  /**
   * Open events still within their running deadline and not yet reminded for it. Whether one has used
   * 80 % of its limit depends on the work calendar, so the caller computes the light; only the few
   * columns the light needs are read.
   */
  dueForReminderCandidates(db: Db, now: Date) {
    return db
      .selectFrom('event as e')
      .select(['e.id', 'e.urgency', 'e.phase', 'e.phase_started_at', 'e.phase_deadline', 'e.handle_limit_unit'])
      .where('e.state', 'not in', ['closed', 'cancelled'])
      .where('e.phase', '<>', 'suspended')
      .where('e.phase_deadline', '>=', now)
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('event_supervision as s').select('s.id').whereRef('s.event_id', '=', 'e.id').where('s.trigger', '=', 'auto').where('s.level', '=', 'remind').whereRef('s.phase', '=', 'e.phase').whereRef('s.phase_deadline', '=', 'e.phase_deadline'))),
      )
      .orderBy('e.phase_deadline')
      .execute();
  },

  /** One supervision, if its event is within the scope. */
  findVisible(db: Db, scope: DataScope, id: number) {
    return db.selectFrom('event_supervision as s').innerJoin('event as e', 'e.id', 's.event_id').selectAll('s').where('s.id', '=', id).where(eventScope(scope, true)).executeTakeFirst();
  },

  find(db: Db, id: number) {
    return db.selectFrom('event_supervision').selectAll().where('id', '=', id).executeTakeFirst();
  },

  forEvent(db: Db, eventId: number) {
    return joined(db).select(viewColumns).select(eventColumns).where('s.event_id', '=', eventId).orderBy('s.id').execute();
  },

  async page(db: Db, scope: DataScope, filter: SupervisionFilter, window: { limit: number; offset: number }) {
    let q = joined(db).where(eventScope(scope));
    if (filter.level) q = q.where('s.level', '=', filter.level);
    if (filter.status) q = q.where('s.status', '=', filter.status);
    if (filter.divisionCode) q = q.where(divisionPrefix('e.division_code', filter.divisionCode));
    if (filter.replyOverdueAt) q = q.where('s.reply_required', '=', true).where('s.reply', 'is', null).where('s.status', '<>', 'closed').where('s.reply_deadline', '<', filter.replyOverdueAt);
    const [items, counted] = await Promise.all([
      q.select(viewColumns).select(eventColumns).orderBy('s.created_at', 'desc').orderBy('s.id', 'desc').limit(window.limit).offset(window.offset).execute(),
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: counted.n };
  },

  /** The written reply, only while the supervision waits for one (a second reply changes nothing). */
  reply(trx: Db, id: number, reply: { text: string; userId: number; at: Date }) {
    return trx
      .updateTable('event_supervision')
      .set({ reply: reply.text, replied_by: reply.userId, replied_at: reply.at, status: 'replied' })
      .where('id', '=', id)
      .where('status', '=', 'open')
      .where('reply', 'is', null)
      .returningAll()
      .executeTakeFirst();
  },

  close(trx: Db, id: number, at: Date) {
    return trx.updateTable('event_supervision').set({ status: 'closed', closed_at: at }).where('id', '=', id).where('status', '<>', 'closed').returningAll().executeTakeFirst();
  },

  // ---- 回访 (callbacks)

  insertCallback(trx: Db, row: Insertable<EventCallbackTable>) {
    return trx.insertInto('event_callback').values(row).onConflict((oc) => oc.doNothing()).returningAll().executeTakeFirst();
  },

  callbackFor(db: Db, eventId: number, closedAt: Date) {
    return db.selectFrom('event_callback').selectAll().where('event_id', '=', eventId).where('closed_at', '=', closedAt).executeTakeFirst();
  },

  callbacks(db: Db, eventId: number) {
    return db
      .selectFrom('event_callback as b')
      .leftJoin('app_user as u', 'u.id', 'b.recorded_by')
      .leftJoin('organization as o', 'o.id', 'b.handling_unit_id')
      .selectAll('b')
      .select(['u.display_name as recorded_by_name', 'o.name as handling_unit_name'])
      .where('b.event_id', '=', eventId)
      .orderBy('b.id')
      .execute();
  },
};
