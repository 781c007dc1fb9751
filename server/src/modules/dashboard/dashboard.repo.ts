import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { DataScope } from '../../auth/actor.ts';
import { divisionPrefix } from '../../auth/scope-filter.ts';
import { eventScope, summaryColumns } from '../events/events.repo.ts';
import { openStates } from '../events/queues.ts';
import type { SummaryRow } from '../events/events.present.ts';
import type { SupervisionLevel } from '../supervision/supervision.tables.ts';

type Db = Kysely<DB>;

/** The events a dashboard reads: those of the chosen division that the caller's scope covers. */
export interface Area {
  scope: DataScope;
  divisionCode: string;
}

export type DashboardRow = SummaryRow & { supervision_level: SupervisionLevel | null };

function inArea(area: Area): Expression<SqlBool> {
  return sql<SqlBool>`(${eventScope(area.scope)} AND ${divisionPrefix('e.division_code', area.divisionCode)})`;
}

/** Past its running deadline; a suspended event's timer is paused, so it is never overdue. */
const isOverdue = (now: Date) => sql<SqlBool>`(e.phase <> 'suspended' AND e.phase_deadline < ${now})`;

/** The event center's list columns, and the supervision level the dashboard lists show. */
const listColumns = [...summaryColumns, 'e.supervision_level'] as const;

function eventList(db: Db, area: Area) {
  return db
    .selectFrom('event as e')
    .leftJoin('event_category as c', 'c.code', 'e.category_code')
    .leftJoin('organization as o', 'o.id', 'e.handling_unit_id')
    .leftJoin('division as dv', 'dv.code', 'e.division_code')
    .select(listColumns)
    .where(inArea(area));
}

const count = sql<number>`count(*)::int`;

export const dashboardRepo = {
  divisions(db: Db, codes: string[]) {
    return db.selectFrom('division').select(['code', 'name', 'level']).where('code', 'in', codes).execute();
  },

  children(db: Db, parentCode: string) {
    return db.selectFrom('division').select(['code', 'name']).where('parent_code', '=', parentCode).orderBy('sort').orderBy('code').execute();
  },

  /** The bounding box of a division's outline (a county's is that of its towns); undefined without one. */
  async extent(db: Db, code: string): Promise<[number, number, number, number] | undefined> {
    const row =
      code.length === 14
        ? await db.selectFrom('unit_grid').select(['min_lng', 'min_lat', 'max_lng', 'max_lat']).where('code', '=', code).executeTakeFirst()
        : await db
            .selectFrom('boundary')
            .select((eb) => [eb.fn.min('min_lng').as('min_lng'), eb.fn.min('min_lat').as('min_lat'), eb.fn.max('max_lng').as('max_lng'), eb.fn.max('max_lat').as('max_lat')])
            .where(divisionPrefix('division_code', code))
            .executeTakeFirst();
    if (!row || row.min_lng === null) return undefined;
    return [row.min_lng, row.min_lat, row.max_lng, row.max_lat] as [number, number, number, number];
  },

  /**
   * Events reported in [from, to), each with the furthest workflow step its history reached: the
   * number of the first group of `steps` holding a state it entered (0 for none). Counted per step.
   */
  async furthestSteps(db: Db, area: Area, steps: readonly (readonly string[])[], from: Date, to: Date): Promise<Map<number, number>> {
    const rank = sql.join(
      steps.map((states, i) => sql`WHEN h.to_state IN (${sql.join(states)}) THEN ${sql.lit(i + 1)}`),
      sql` `,
    );
    const perEvent = db
      .selectFrom('event as e')
      .leftJoin('event_history as h', 'h.event_id', 'e.id')
      .select(sql<number>`coalesce(max(CASE ${rank} ELSE 0 END), 0)`.as('step'))
      .where(inArea(area))
      .where('e.reported_at', '>=', from)
      .where('e.reported_at', '<', to)
      .groupBy('e.id');
    const rows = await db.selectFrom(perEvent.as('s')).select(['s.step', count.as('n')]).groupBy('s.step').execute();
    return new Map(rows.map((r) => [Number(r.step), r.n]));
  },

  /** Open and overdue events now, per division-code prefix of `keyLength` digits. */
  openByArea(db: Db, area: Area, keyLength: number, now: Date) {
    return db
      .selectFrom('event as e')
      .select([sql<string>`substr(e.division_code, 1, ${keyLength})`.as('code'), count.as('open'), sql<number>`(count(*) FILTER (WHERE ${isOverdue(now)}))::int`.as('overdue')])
      .where(inArea(area))
      .where('e.state', 'in', openStates)
      .groupBy(sql`1`)
      .execute();
  },

  /** Events reported since `from`, per division-code prefix of `keyLength` digits. */
  reportedByArea(db: Db, area: Area, keyLength: number, from: Date) {
    return db
      .selectFrom('event as e')
      .select([sql<string>`substr(e.division_code, 1, ${keyLength})`.as('code'), count.as('n')])
      .where(inArea(area))
      .where('e.reported_at', '>=', from)
      .groupBy(sql`1`)
      .execute();
  },

  async closedSince(db: Db, area: Area, from: Date): Promise<number> {
    const row = await db.selectFrom('event as e').select(count.as('n')).where(inArea(area)).where('e.state', '=', 'closed').where('e.closed_at', '>=', from).executeTakeFirstOrThrow();
    return row.n;
  },

  async supervisedCount(db: Db, area: Area): Promise<number> {
    const row = await db.selectFrom('event as e').select(count.as('n')).where(inArea(area)).where('e.supervision_level', 'is not', null).executeTakeFirstOrThrow();
    return row.n;
  },

  overdueList(db: Db, area: Area, now: Date, limit: number): Promise<DashboardRow[]> {
    return eventList(db, area).where('e.state', 'in', openStates).where(isOverdue(now)).orderBy('e.phase_deadline').orderBy('e.id').limit(limit).execute() as Promise<DashboardRow[]>;
  },

  supervisedList(db: Db, area: Area, limit: number): Promise<DashboardRow[]> {
    return eventList(db, area)
      .where('e.supervision_level', 'is not', null)
      .orderBy(sql`CASE e.supervision_level WHEN 'listed' THEN 0 WHEN 'supervise' THEN 1 ELSE 2 END`)
      .orderBy(sql`e.phase_deadline ASC NULLS LAST`)
      .orderBy('e.id')
      .limit(limit)
      .execute() as Promise<DashboardRow[]>;
  },

  latest(db: Db, area: Area, limit: number): Promise<DashboardRow[]> {
    return eventList(db, area).orderBy('e.reported_at', 'desc').orderBy('e.id', 'desc').limit(limit).execute() as Promise<DashboardRow[]>;
  },

  topCategories(db: Db, area: Area, from: Date, limit: number) {
    return db
      .selectFrom('event as e')
      .innerJoin('event_category as c', 'c.code', 'e.category_code')
      .select(['c.code', 'c.minor_name as name', 'c.name_en', count.as('n')])
      .where(inArea(area))
      .where('e.reported_at', '>=', from)
      .groupBy(['c.code', 'c.minor_name', 'c.name_en'])
      .orderBy('n', 'desc')
      .orderBy('c.code')
      .limit(limit)
      .execute();
  },

  sources(db: Db, area: Area, from: Date) {
    return db.selectFrom('event as e').select(['e.source', count.as('n')]).where(inArea(area)).where('e.reported_at', '>=', from).groupBy('e.source').orderBy('n', 'desc').orderBy('e.source').execute();
  },

  /** Located events since `from`, counted per cell of `cell` degrees (cell indexes), the fullest first, at most `limit`. */
  heatCells(db: Db, area: Area, from: Date, cell: number, limit: number) {
    return db
      .selectFrom('event as e')
      .select([sql<number>`floor(e.lng / ${cell})::int`.as('x'), sql<number>`floor(e.lat / ${cell})::int`.as('y'), count.as('n')])
      .where(inArea(area))
      .where('e.reported_at', '>=', from)
      .where('e.lng', 'is not', null)
      .where('e.lat', 'is not', null)
      .groupBy([sql`1`, sql`2`])
      .orderBy('n', 'desc')
      .limit(limit)
      .execute();
  },
};
