import { sql, type JoinBuilder, type Kysely, type RawBuilder, type SqlBool } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { DataScope } from '../../auth/actor.ts';
import { divisionPrefix, scopeCondition } from '../../auth/scope-filter.ts';
import { eventScope } from '../events/events.repo.ts';
import { averages, countDefinition, counts, type CountCode, type CountDefinition, type JudgeContext } from './indicators.ts';
import type { Period } from './period.ts';

/**
 * How rows are formed: the SQL of a row's key over events (e, s) and over callbacks (c). Null for
 * callbacks when the object has no callbacks (posts). A case with a null key belongs to no row.
 */
export interface Grouping {
  eventKey: RawBuilder<string | null>;
  callbackKey: RawBuilder<string | null> | null;
}

/** What one evaluation reads: the period, the area (division subtree), the rows, the actor's scope. */
export interface Cohort {
  period: Period;
  divisionCode: string;
  grouping: Grouping;
  scope: DataScope;
  ctx: JudgeContext;
}

/** The cases a drill-down lists: those of one count, or of several counts of the same basis. */
export type Selection = Pick<CountDefinition, 'basis' | 'where'>;

export type CountValues = Record<CountCode, number>;
/** Per row key: its counts, and the summed hours of the averages (divided by their case counts later). */
export interface RowTotals {
  counts: CountValues;
  hours: Record<string, number>;
}

const eventCounts = counts.filter((c) => c.basis === 'event');
const callbackCounts = counts.filter((c) => c.basis === 'callback');

function eventCohort(cohort: Cohort): RawBuilder<SqlBool> {
  const { period, divisionCode, grouping, scope } = cohort;
  return sql<SqlBool>`e.reported_at >= ${period.start} AND e.reported_at < ${period.end}
    AND ${divisionPrefix('e.division_code', divisionCode)} AND ${eventScope(scope)} AND ${grouping.eventKey} IS NOT NULL`;
}

/**
 * The statistics row of each event. The report-time condition repeats the event's (a statistics row
 * has its event's report time) so that the period's rows are read by their index in one range, not
 * looked up one by one or found by scanning them all.
 */
const statOfPeriod = <J extends JoinBuilder<DB & { e: DB['event'] } & { s: DB['event_stat'] }, 'e' | 's'>>(join: J, period: Period) =>
  join.onRef('s.event_id', '=', 'e.id').on('s.reported_at', '>=', period.start).on('s.reported_at', '<', period.end);

/** Callbacks carry the division and unit of the case when it was called back; they are scoped by those. */
function callbackCohort(cohort: Cohort, key: RawBuilder<string | null>): RawBuilder<SqlBool> {
  const { period, divisionCode, scope } = cohort;
  return sql<SqlBool>`c.at >= ${period.start} AND c.at < ${period.end}
    AND ${divisionPrefix('c.division_code', divisionCode)} AND ${scopeCondition(scope, { division: 'c.division_code', organization: 'c.handling_unit_id' })} AND ${key} IS NOT NULL`;
}

/** A row with nothing counted yet. */
export const emptyTotals = (): RowTotals => ({ counts: Object.fromEntries(counts.map((c) => [c.code, 0])) as CountValues, hours: Object.fromEntries(averages.map((a) => [a.code, 0])) });

export const evaluationRepo = {
  /**
   * Every count of every row in two aggregate scans (events reported in the period, callbacks made
   * in it), with FILTER clauses: one pass over the period's events whatever the number of indicators.
   */
  async totals(db: Kysely<DB>, cohort: Cohort): Promise<Map<string, RowTotals>> {
    const { grouping, ctx } = cohort;
    const eventColumns = [
      ...eventCounts.map((c) => sql`count(*) FILTER (WHERE ${c.where(ctx)})`.as(c.code)),
      ...averages.map((a) => sql`coalesce(sum(${a.value}) FILTER (WHERE ${countDefinition(a.over).where(ctx)}), 0)::float8`.as(a.code)),
    ];
    const eventRows = await db
      .selectFrom('event as e')
      .leftJoin('event_stat as s', (join) => statOfPeriod(join, cohort.period))
      .select([grouping.eventKey.as('key'), ...eventColumns])
      .where(eventCohort(cohort))
      .groupBy(sql`1`)
      .execute();
    const callbackKey = grouping.callbackKey;
    const callbackRows = callbackKey
      ? await db
          .selectFrom('event_callback as c')
          .select([callbackKey.as('key'), ...callbackCounts.map((c) => sql`count(*) FILTER (WHERE ${c.where(ctx)})`.as(c.code))])
          .where(callbackCohort(cohort, callbackKey))
          .groupBy(sql`1`)
          .execute()
      : [];

    const result = new Map<string, RowTotals>();
    const rowOf = (key: string) => {
      let row = result.get(key);
      if (!row) result.set(key, (row = emptyTotals()));
      return row;
    };
    for (const raw of eventRows as Record<string, unknown>[]) {
      const row = rowOf(String(raw.key));
      for (const c of eventCounts) row.counts[c.code] = Number(raw[c.code]);
      for (const a of averages) row.hours[a.code] = Number(raw[a.code]);
    }
    for (const raw of callbackRows as Record<string, unknown>[]) {
      const row = rowOf(String(raw.key));
      for (const c of callbackCounts) row.counts[c.code] = Number(raw[c.code]);
    }
    return result;
  },

  /**
   * One page of the cases behind a count (of one row, or of all rows when `key` is undefined),
   * selected with the very condition the count used, newest first; `total` is exact.
   */
  async cases(db: Kysely<DB>, cohort: Cohort, count: Selection, key: string | undefined, window: { limit: number; offset: number }) {
    return count.basis === 'event' ? eventCases(db, cohort, count, key, window) : callbackCases(db, cohort, count, key, window);
  },

  divisions(db: Kysely<DB>, codes: string[]) {
    return db.selectFrom('division').select(['code', 'name', 'parent_code', 'level', 'sort']).where('code', 'in', codes).execute();
  },

  children(db: Kysely<DB>, parentCode: string) {
    return db.selectFrom('division').select(['code', 'name', 'level', 'sort']).where('parent_code', '=', parentCode).orderBy('sort').orderBy('code').execute();
  },

  organizations(db: Kysely<DB>, ids: number[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db.selectFrom('organization').select(['id', 'name']).where('id', 'in', ids).execute();
  },

  users(db: Kysely<DB>, ids: number[]) {
    if (ids.length === 0) return Promise.resolve([]);
    return db.selectFrom('app_user').select(['id', 'display_name', 'username']).where('id', 'in', ids).execute();
  },
};

const caseColumns = [
  'e.id',
  'e.code',
  'e.title',
  'e.division_code',
  'e.state',
  'e.close_type',
  'e.reported_at',
  'e.closed_at',
  'e.handle_deadline',
  'e.handle_finished_at',
  'cat.minor_name as category_name',
  'o.name as handling_unit_name',
] as const;

async function eventCases(db: Kysely<DB>, cohort: Cohort, count: Selection, key: string | undefined, window: { limit: number; offset: number }) {
  const base = db
    .selectFrom('event as e')
    .leftJoin('event_stat as s', (join) => statOfPeriod(join, cohort.period))
    .where(eventCohort(cohort))
    .where(count.where(cohort.ctx))
    .$if(key !== undefined, (q) => q.where(sql<SqlBool>`${cohort.grouping.eventKey} = ${key}`));
  const [counted, items] = await Promise.all([
    base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    base
      .leftJoin('event_category as cat', 'cat.code', 'e.category_code')
      .leftJoin('organization as o', 'o.id', 'e.handling_unit_id')
      .select([...caseColumns, sql<Date | null>`NULL::timestamptz`.as('callback_at'), sql<string | null>`NULL::text`.as('satisfaction')])
      .orderBy('e.reported_at', 'desc')
      .orderBy('e.id', 'desc')
      .limit(window.limit)
      .offset(window.offset)
      .execute(),
  ]);
  return { total: counted.n, items };
}

async function callbackCases(db: Kysely<DB>, cohort: Cohort, count: Selection, key: string | undefined, window: { limit: number; offset: number }) {
  const callbackKey = cohort.grouping.callbackKey!;
  const base = db
    .selectFrom('event_callback as c')
    .innerJoin('event as e', 'e.id', 'c.event_id')
    .where(callbackCohort(cohort, callbackKey))
    .where(count.where(cohort.ctx))
    .$if(key !== undefined, (q) => q.where(sql<SqlBool>`${callbackKey} = ${key}`));
  const [counted, items] = await Promise.all([
    base.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    base
      .leftJoin('event_category as cat', 'cat.code', 'e.category_code')
      .leftJoin('organization as o', 'o.id', 'e.handling_unit_id')
      .select([...caseColumns, 'c.at as callback_at', 'c.satisfaction'])
      .orderBy('c.at', 'desc')
      .orderBy('c.id', 'desc')
      .limit(window.limit)
      .offset(window.offset)
      .execute(),
  ]);
  return { total: counted.n, items };
}
