import { sql, type Expression, type Insertable, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { auditInsertFrom, type AuditContext, type AuditEntry } from '../../audit/audit.ts';
import type { DataScope } from '../../auth/actor.ts';
import { divisionPrefix, withinScope } from '../../auth/scope-filter.ts';
import type { EventHistoryTable, EventSource, EventTable } from './events.tables.ts';
import type { EventPatch, EventRow } from './event-effects.ts';
import { openStates } from './queues.ts';
import { publicReplyActions } from './event-workflow.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Counting stops here: a list over a million events must not count them all for its pager. */
export const countCap = 1_000;

/**
 * The events a scope covers: its area (division subtree or grids); for an organisation scope, the events its units
 * handle or co-handle. `own` adds the events the user reported (a grid worker's report that fell
 * outside every grid stays visible to them); lists leave it out so their indexes stay usable.
 */
export function eventScope(scope: DataScope, own = false): Expression<SqlBool> {
  const inDivision = withinScope('e.division_code', scope);
  let visible: Expression<SqlBool>;
  if (scope.kind === 'division' || scope.kind === 'grid') visible = inDivision;
  else if (scope.kind === 'organization' && scope.organizationIds.length > 0) {
    const ids = sql.join(scope.organizationIds);
    visible = sql<SqlBool>`(${inDivision} AND (e.handling_unit_id IN (${ids}) OR e.co_unit_ids && ARRAY[${ids}]::int[]))`;
  } else visible = sql<SqlBool>`false`;
  if (!own || scope.userId === null) return visible;
  return sql<SqlBool>`(${visible} OR e.reporter_user_id = ${scope.userId})`;
}

export interface ListFilter {
  states?: readonly string[];
  source?: EventSource;
  categoryCode?: string;
  divisionCode?: string;
  urgency?: string;
  keyword?: string;
  overdueAt?: Date;
  from?: Date;
  to?: Date;
  /** Queues sort by the running deadline (overdue first); the archive by report time, newest first. */
  order: 'deadline' | 'reported';
}

export interface NewHistory {
  event_id: number;
  at: Date;
  actor_type: EventHistoryTable['actor_type'];
  actor_id: number | null;
  actor_name: string;
  action: string;
  from_state: string | null;
  to_state: string;
  note?: string;
  organization_id?: number | null;
  file_ids?: number[];
  details?: Record<string, unknown>;
  client_action_id?: string | null;
}

/** What a list row shows; the query joins event_category c, organization o (handling unit) and division dv. */
export const summaryColumns = [
  'e.id',
  'e.code',
  'e.source',
  'e.category_code',
  'c.minor_name as category_name',
  'e.title',
  'e.address',
  'e.division_code',
  'dv.name as division_name',
  'e.grid_code',
  'e.urgency',
  'e.state',
  'e.phase',
  'e.phase_started_at',
  'e.phase_deadline',
  'e.handle_limit_unit',
  'e.handling_unit_id',
  'o.name as handling_unit_name',
  'e.reported_at',
] as const;

export const eventsRepo = {
  findVisible(db: Db, scope: DataScope, id: number) {
    return db.selectFrom('event as e').selectAll('e').where('e.id', '=', id).where(eventScope(scope, true)).executeTakeFirst();
  },

  findById(db: Db, id: number) {
    return db.selectFrom('event as e').selectAll('e').where('e.id', '=', id).executeTakeFirstOrThrow();
  },

  findByIdempotencyKey(db: Db, source: EventSource, key: string) {
    return db.selectFrom('event as e').selectAll('e').where('e.source', '=', source).where('e.idempotency_key', '=', key).executeTakeFirst();
  },

  findByCode(db: Db, code: string) {
    return db.selectFrom('event as e').selectAll('e').where('e.code', '=', code).executeTakeFirst();
  },


  /**
   * The next number of the day, race-free: the upsert locks the counter row until it commits. It commits
   * without waiting for the WAL flush (synchronous_commit off for this statement alone), so concurrent
   * intakes queue on the row for the increment only, not for a disk flush each. Safe: the event that
   * carries the number commits later, synchronously, and flushing its commit flushes this one before it;
   * a crash can only lose a number no stored event has. Outside any transaction only: inside one, the
   * setting would hold for the whole transaction's commit.
   */
  async nextSequence(db: Kysely<DB>, prefix: string, day: string): Promise<number> {
    const result = await sql<{ last_value: number }>`
      INSERT INTO event_code_counter (prefix, day, last_value)
      SELECT ${prefix}, ${day}, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS async_commit
      ON CONFLICT (prefix, day) DO UPDATE SET last_value = event_code_counter.last_value + 1
      RETURNING last_value`.execute(db);
    return result.rows[0]!.last_value;
  },

  /**
   * A new event and its first history row in one statement (intake is the hot path), with its audit row
   * when the statement is the whole command (runStatement), and its division's name for the view.
   */
  async insertReported(db: Db, row: Insertable<EventTable>, report: Omit<NewHistory, 'event_id' | 'from_state' | 'to_state'>, audit?: { context: AuditContext; entry: Omit<AuditEntry, 'entityId'> }) {
    const insert = db.insertInto('event').values(row).returningAll();
    const result = await sql<EventRow & { division_name: string | null }>`
      WITH e AS (${insert}),
      h AS (
        INSERT INTO event_history (event_id, at, actor_type, actor_id, actor_name, action, from_state, to_state, file_ids, details)
        SELECT e.id, ${report.at}, ${report.actor_type}, ${report.actor_id}, ${report.actor_name}, ${report.action}, NULL, e.state,
          ${report.file_ids ?? []}::int[], ${JSON.stringify(report.details ?? {})}::jsonb
        FROM e
      )${audit ? sql`,
      a AS (${auditInsertFrom(audit.context, audit.entry, 'e')})` : sql``}
      SELECT e.*, (SELECT name FROM division WHERE code = e.division_code) AS division_name FROM e`.execute(db);
    return result.rows[0]!;
  },

  async insertHistory(trx: Db, row: NewHistory) {
    await trx
      .insertInto('event_history')
      .values({ ...row, note: row.note ?? '', file_ids: row.file_ids ?? [], details: JSON.stringify(row.details ?? {}), client_action_id: row.client_action_id ?? null })
      .execute();
  },

  /** The optimistic lock: undefined when someone else changed the event since it was read. */
  updateVersioned(trx: Db, id: number, version: number, patch: EventPatch) {
    return trx
      .updateTable('event')
      .set({ ...patch, version: version + 1 })
      .where('id', '=', id)
      .where('version', '=', version)
      .returningAll()
      .executeTakeFirst() as Promise<EventRow | undefined>;
  },

  clientActionDone(db: Db, eventId: number, clientActionId: string) {
    return db.selectFrom('event_history').select('id').where('event_id', '=', eventId).where('client_action_id', '=', clientActionId).executeTakeFirst().then(Boolean);
  },

  organizations(db: Db, ids: number[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db.selectFrom('organization').select(['id', 'name', 'division_code']).where('id', 'in', ids).execute();
  },

  /** The first town inside a division (public reports and county-level staff land there). */
  firstTownWithin(db: Db, divisionCode: string) {
    return db.selectFrom('division').select('code').where('level', '=', 'town').where(divisionPrefix('code', divisionCode)).orderBy('sort').orderBy('code').executeTakeFirst();
  },

  async queueCounts(db: Db, scope: DataScope) {
    const rows = await db
      .selectFrom('event as e')
      .select(['e.state', sql<number>`count(*)::int`.as('n')])
      .where('e.state', 'in', openStates)
      .where(eventScope(scope))
      .groupBy('e.state')
      .execute();
    return new Map(rows.map((r) => [r.state, r.n]));
  },

  async list(db: Db, scope: DataScope, filter: ListFilter, window: { limit: number; offset: number }) {
    let q = db.selectFrom('event as e').where(eventScope(scope));
    if (filter.states) q = q.where('e.state', 'in', filter.states);
    if (filter.source) q = q.where('e.source', '=', filter.source);
    if (filter.categoryCode) q = q.where('e.category_code', '=', filter.categoryCode);
    if (filter.divisionCode) q = q.where(divisionPrefix('e.division_code', filter.divisionCode));
    if (filter.urgency) q = q.where('e.urgency', '=', filter.urgency as EventRow['urgency']);
    if (filter.overdueAt) q = q.where('e.state', 'in', openStates).where('e.phase', '<>', 'suspended').where('e.phase_deadline', '<', filter.overdueAt);
    if (filter.from) q = q.where('e.reported_at', '>=', filter.from);
    if (filter.to) q = q.where('e.reported_at', '<', filter.to);
    if (filter.keyword) {
      const like = `%${filter.keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([eb('e.code', '=', filter.keyword!), eb('e.title', 'ilike', like), eb('e.address', 'ilike', like)]));
    }
    const byDeadline = filter.order === 'deadline';
    const ordered = byDeadline ? q.orderBy(sql`e.phase_deadline ASC NULLS LAST`).orderBy('e.id') : q.orderBy('e.reported_at', 'desc').orderBy('e.id', 'desc');
    const pageIds = ordered.select('e.id').limit(window.limit).offset(window.offset);
    // The page is picked on the event table alone (index order), then joined for names and sorted again.
    let rows = db
      .selectFrom(pageIds.as('p'))
      .innerJoin('event as e', 'e.id', 'p.id')
      .leftJoin('event_category as c', 'c.code', 'e.category_code')
      .leftJoin('organization as o', 'o.id', 'e.handling_unit_id')
      .leftJoin('division as dv', 'dv.code', 'e.division_code')
      .select(summaryColumns);
    rows = byDeadline ? rows.orderBy(sql`e.phase_deadline ASC NULLS LAST`).orderBy('e.id') : rows.orderBy('e.reported_at', 'desc').orderBy('e.id', 'desc');
    const [counted, items] = await Promise.all([
      db
        .selectFrom(q.select(sql`1`.as('one')).limit(countCap + 1).as('t'))
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow(),
      rows.execute(),
    ]);
    return { total: Math.min(counted.n, countCap), capped: counted.n > countCap, items };
  },

  /** The names an event view shows, in one round trip (unit names only when it has units). */
  async names(db: Db, row: Pick<EventRow, 'category_code' | 'handling_unit_id' | 'co_unit_ids' | 'division_code'>) {
    const unitIds = [row.handling_unit_id, ...row.co_unit_ids].filter((id): id is number => id !== null);
    const [labels, units] = await Promise.all([
      sql<{ category: string | null; division: string | null }>`SELECT
          (SELECT minor_name FROM event_category WHERE code = ${row.category_code}) AS category,
          (SELECT name FROM division WHERE code = ${row.division_code}) AS division`.execute(db),
      this.organizations(db, unitIds),
    ]);
    return { categoryName: labels.rows[0]?.category ?? null, divisionName: labels.rows[0]?.division ?? null, units };
  },

  /** The latest public reply of each event (see publicReplyActions). */
  async latestPublicReplies(db: Db, eventIds: number[]): Promise<Map<number, string>> {
    if (eventIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('event_history')
      .select(['event_id', 'note'])
      .distinctOn('event_id')
      .where('event_id', 'in', eventIds)
      .where('action', 'in', publicReplyActions)
      .where('note', '<>', '')
      .orderBy('event_id')
      .orderBy('id', 'desc')
      .execute();
    return new Map(rows.map((r) => [Number(r.event_id), r.note]));
  },

  timeline(db: Db, eventId: number) {
    return db
      .selectFrom('event_history as h')
      .leftJoin('organization as o', 'o.id', 'h.organization_id')
      .select(['h.id', 'h.at', 'h.actor_type', 'h.actor_name', 'h.action', 'h.from_state', 'h.to_state', 'h.note', 'h.organization_id', 'o.name as organization_name', 'h.file_ids', 'h.details'])
      .where('h.event_id', '=', eventId)
      .orderBy('h.id')
      .execute();
  },

  files(db: Db, eventId: number) {
    return db.selectFrom('stored_file').select(['id', 'mime', 'original_name', 'has_thumbnail']).where('owner_type', '=', 'event').where('owner_id', '=', String(eventId)).orderBy('id').execute();
  },

  /** Open events of the same category near a point within a time window (equirectangular distance: fine at tens of metres). */
  async duplicates(db: Db, probe: { excludeId: number | null; categoryCode: string; lng: number; lat: number; around: Date; meters: number; hours: number }) {
    const dLat = probe.meters / 111_320;
    const dLng = probe.meters / (111_320 * Math.cos((probe.lat * Math.PI) / 180));
    const window = probe.hours * 3_600_000;
    const distance = sql<number>`sqrt(power((e.lng - ${probe.lng}) * ${111_320 * Math.cos((probe.lat * Math.PI) / 180)}, 2) + power((e.lat - ${probe.lat}) * 111320, 2))`;
    let q = db
      .selectFrom('event as e')
      .select(['e.id', 'e.code', 'e.state', 'e.title', 'e.reported_at', distance.as('distance')])
      .where('e.category_code', '=', probe.categoryCode)
      // Open events are those with a running phase. Said this way rather than by state, the filter does
      // not let the planner drag in the partial GIN index of open events (a 20,000-entry scan at 1M events).
      .where('e.phase', 'is not', null)
      .where('e.reported_at', '>=', new Date(probe.around.getTime() - window))
      .where('e.reported_at', '<=', new Date(probe.around.getTime() + window))
      .where('e.lng', '>=', probe.lng - dLng)
      .where('e.lng', '<=', probe.lng + dLng)
      .where('e.lat', '>=', probe.lat - dLat)
      .where('e.lat', '<=', probe.lat + dLat)
      // The latitude band of the event_duplicate_bands index (migration 0015), written as it is there.
      .where(sql<number>`floor(e.lat * 1000)::integer`, '>=', Math.floor((probe.lat - dLat) * 1000))
      .where(sql<number>`floor(e.lat * 1000)::integer`, '<=', Math.floor((probe.lat + dLat) * 1000));
    if (probe.excludeId !== null) q = q.where('e.id', '<>', probe.excludeId);
    const rows = await q.orderBy('e.reported_at').limit(20).execute();
    return rows.filter((r) => r.distance <= probe.meters);
  },

  /** Suspended events whose end has come, oldest first. */
  dueSuspensions(db: Db, now: Date, limit: number) {
    return db.selectFrom('event').select('id').where('state', '=', 'suspended').where('suspended_until', '<=', now).orderBy('suspended_until').limit(limit).execute();
  },

  /** Public progress: the first time the event entered each state. */
  stateEntries(db: Db, eventId: number) {
    return db.selectFrom('event_history').select(['to_state', sql<Date>`min(at)`.as('at')]).where('event_id', '=', eventId).groupBy('to_state').execute();
  },
};
