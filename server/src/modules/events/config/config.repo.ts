import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import type { DataScope } from '../../../auth/actor.ts';
import { divisionPrefix, scopeCondition, withinScopeOrDeployment } from '../../../auth/scope-filter.ts';
import type { LimitUnit } from '../work-calendar.ts';
import type { CategoryKind } from './standards-table.ts';
import type { CalendarDay } from './calendar-rules.ts';

/** Every query of the event configuration: catalogue, 立结案标准, calendar, settings, routing rules. */
type Db = Kysely<DB> | Transaction<DB>;

export interface CategoryFilter {
  kind?: CategoryKind;
  majorCode?: string;
  keyword?: string;
  active?: boolean;
}

export interface CategoryChanges {
  minor_name?: string;
  name_en?: string | null;
  active?: boolean;
  auto_dispatch?: boolean;
  reminder_allowed?: boolean;
  public_reportable?: boolean;
}

export interface StandardValues {
  register_condition: string;
  close_condition: string;
  limit_value: number;
  limit_unit: LimitUnit;
  default_organization_id: number | null;
}

export interface RuleValues {
  category_code: string | null;
  division_code: string | null;
  source: string | null;
  organization_id: number;
  priority: number;
  active: boolean;
}

export interface RuleFilter {
  categoryCode?: string;
  divisionCode?: string;
  organizationId?: number;
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

const standardColumns = [
  's.id',
  's.category_code',
  's.register_condition',
  's.close_condition',
  's.limit_value',
  's.limit_unit',
  's.default_organization_id',
  'o.name as default_organization_name',
  's.sort',
  's.active',
] as const;

function standardsQuery(db: Db) {
  return db.selectFrom('event_standard as s').leftJoin('organization as o', 'o.id', 's.default_organization_id').select(standardColumns);
}
export type StandardRow = Awaited<ReturnType<ReturnType<typeof standardsQuery>['executeTakeFirstOrThrow']>>;

/**
 * Rules a division-scoped actor administers: those of areas inside the actor's division. A rule without
 * an area applies everywhere, so only a county-level actor (the whole deployment) sees and edits it.
 */
function rulesQuery(db: Db, scope: DataScope) {
  return db
    .selectFrom('routing_rule as r')
    .innerJoin('organization as o', 'o.id', 'r.organization_id')
    .leftJoin('event_category as c', 'c.code', 'r.category_code')
    .leftJoin('division as d', 'd.code', 'r.division_code')
    .where(withinScopeOrDeployment('r.division_code', scope))
    .select(['r.id', 'r.category_code', 'c.minor_name as category_name', 'r.division_code', 'd.name as division_name', 'r.source', 'r.organization_id', 'o.name as organization_name', 'r.priority', 'r.active']);
}
export type RuleRow = Awaited<ReturnType<ReturnType<typeof rulesQuery>['executeTakeFirstOrThrow']>>;

export const configRepo = {
  /** What a resident may report on the H5 page: active, public-reportable categories. */
  publicCategories: (db: Kysely<DB>) =>
    db
      .selectFrom('event_category')
      .select(['code', 'kind', 'major_name', 'minor_name', 'name_en'])
      .where('active', '=', true)
      .where('public_reportable', '=', true)
      .orderBy('kind', 'desc')
      .orderBy('major_code')
      .orderBy('sort')
      .orderBy('minor_code')
      .execute(),

  // ---- catalogue
  async listCategories(db: Db, filter: CategoryFilter, window: { limit: number; offset: number }) {
    let q = db.selectFrom('event_category');
    if (filter.kind) q = q.where('kind', '=', filter.kind);
    if (filter.majorCode) q = q.where('major_code', '=', filter.majorCode);
    if (filter.active !== undefined) q = q.where('active', '=', filter.active);
    if (filter.keyword) {
      const like = `%${escapeLike(filter.keyword)}%`;
      q = q.where((eb) => eb.or([eb('code', 'ilike', like), eb('minor_name', 'ilike', like), eb('major_name', 'ilike', like)]));
    }
    const [count, items] = await Promise.all([
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      q.selectAll().orderBy('kind').orderBy('major_code').orderBy('minor_code').limit(window.limit).offset(window.offset).execute(),
    ]);
    return { total: count.n, items };
  },
  majors: (db: Db) =>
    db
      .selectFrom('event_category')
      .select(['kind', 'major_code', sql<string>`min(major_name)`.as('major_name'), sql<number>`count(*)::int`.as('categories')])
      .groupBy(['kind', 'major_code'])
      .orderBy('kind')
      .orderBy('major_code')
      .execute(),
  allCategories: (db: Db) => db.selectFrom('event_category').selectAll().orderBy('code').execute(),
  findCategory: (db: Db, code: string) => db.selectFrom('event_category').selectAll().where('code', '=', code).executeTakeFirst(),
  /** The 大类 name in use for a kind and major code, if the major exists. */
  majorName: (db: Db, kind: CategoryKind, majorCode: string) =>
    db.selectFrom('event_category').select('major_name').where('kind', '=', kind).where('major_code', '=', majorCode).limit(1).executeTakeFirst().then((r) => r?.major_name),
  insertCategory: (db: Db, row: { code: string; kind: CategoryKind; major_code: string; major_name: string; minor_code: string; minor_name: string; name_en: string | null; is_extension: boolean; auto_dispatch: boolean; reminder_allowed: boolean; public_reportable: boolean }) =>
    db.insertInto('event_category').values(row).returningAll().executeTakeFirstOrThrow(),
  updateCategory: (db: Db, code: string, changes: CategoryChanges) =>
    db.updateTable('event_category').set({ ...changes, updated_at: sql`now()` }).where('code', '=', code).returningAll().executeTakeFirstOrThrow(),
  /** A 大类 name lives on each of its 小类: renaming it renames them all. Returns how many. */
  renameMajor: async (db: Db, kind: CategoryKind, majorCode: string, majorName: string) =>
    Number((await db.updateTable('event_category').set({ major_name: majorName, updated_at: sql`now()` }).where('kind', '=', kind).where('major_code', '=', majorCode).where('major_name', '<>', majorName).executeTakeFirst()).numUpdatedRows),

  // ---- 立结案标准
  standardsOf: (db: Db, codes: string[]) =>
    codes.length === 0 ? Promise.resolve([]) : standardsQuery(db).where('s.category_code', 'in', codes).orderBy('s.category_code').orderBy('s.sort').orderBy('s.id').execute(),
  allStandards: (db: Db) => standardsQuery(db).orderBy('s.category_code').orderBy('s.sort').orderBy('s.id').execute(),
  findStandard: (db: Db, id: number) => standardsQuery(db).where('s.id', '=', id).executeTakeFirst(),
  conditionTaken: (db: Db, categoryCode: string, registerCondition: string, exceptId: number | null) => {
    let q = db.selectFrom('event_standard').select('id').where('category_code', '=', categoryCode).where('register_condition', '=', registerCondition);
    if (exceptId !== null) q = q.where('id', '<>', exceptId);
    return q.executeTakeFirst().then(Boolean);
  },
  /** New standards go after the category's existing ones. */
  nextStandardSort: (db: Db, categoryCode: string) =>
    db.selectFrom('event_standard').select(sql<number>`coalesce(max(sort) + 1, 0)::int`.as('n')).where('category_code', '=', categoryCode).executeTakeFirstOrThrow().then((r) => r.n),
  insertStandard: async (db: Db, categoryCode: string, values: StandardValues & { sort: number }) =>
    (await db.insertInto('event_standard').values({ category_code: categoryCode, ...values }).returning('id').executeTakeFirstOrThrow()).id,
  updateStandard: async (db: Db, id: number, changes: Partial<StandardValues & { sort: number; active: boolean }>) => {
    await db.updateTable('event_standard').set({ ...changes, updated_at: sql`now()` }).where('id', '=', id).execute();
  },

  // ---- organisations as the actor may name them (same rule as the organisations list)
  organizationInScope: (db: Db, scope: DataScope, id: number) =>
    db.selectFrom('organization').select(['id', 'code', 'name', 'division_code']).where('id', '=', id).where(scopeCondition(scope, { division: 'division_code', organization: 'id' })).executeTakeFirst(),
  organizationsInScope: (db: Db, scope: DataScope) =>
    db.selectFrom('organization').select(['id', 'code', 'name']).where(scopeCondition(scope, { division: 'division_code', organization: 'id' })).execute(),
  organizationNames: (db: Db, ids: number[]) =>
    ids.length === 0 ? Promise.resolve([]) : db.selectFrom('organization').select(['id', 'name']).where('id', 'in', ids).execute(),

  // ---- work calendar
  daysOfYear: (db: Db, year: number) =>
    db
      .selectFrom('work_calendar_day')
      .select([sql<string>`day::text`.as('date'), 'kind', 'name'])
      .where('day', '>=', `${year}-01-01`)
      .where('day', '<=', `${year}-12-31`)
      .orderBy('day')
      .execute(),
  allDays: (db: Db) => db.selectFrom('work_calendar_day').select([sql<string>`day::text`.as('date'), 'kind']).execute(),
  findDay: (db: Db, date: string) => db.selectFrom('work_calendar_day').select([sql<string>`day::text`.as('date'), 'kind', 'name']).where('day', '=', date).executeTakeFirst(),
  upsertDay: async (db: Db, day: CalendarDay) => {
    await db
      .insertInto('work_calendar_day')
      .values({ day: day.date, kind: day.kind, name: day.name })
      .onConflict((oc) => oc.column('day').doUpdateSet({ kind: day.kind, name: day.name }))
      .execute();
  },
  deleteDay: async (db: Db, date: string) => {
    await db.deleteFrom('work_calendar_day').where('day', '=', date).execute();
  },
  replaceYear: async (db: Db, year: number, days: CalendarDay[]) => {
    await db.deleteFrom('work_calendar_day').where('day', '>=', `${year}-01-01`).where('day', '<=', `${year}-12-31`).execute();
    if (days.length > 0) await db.insertInto('work_calendar_day').values(days.map((d) => ({ day: d.date, kind: d.kind, name: d.name }))).execute();
  },

  // ---- settings (JSON per key)
  settings: async (db: Db, keys: string[]) => new Map((await db.selectFrom('setting').select(['key', 'value']).where('key', 'in', keys).execute()).map((r) => [r.key, r.value])),
  putSetting: async (db: Db, key: string, value: unknown) => {
    await db
      .insertInto('setting')
      .values({ key, value: JSON.stringify(value) })
      .onConflict((oc) => oc.column('key').doUpdateSet({ value: JSON.stringify(value), updated_at: sql`now()` }))
      .execute();
  },

  // ---- routing rules
  async listRules(db: Db, scope: DataScope, filter: RuleFilter, window: { limit: number; offset: number }) {
    let q = rulesQuery(db, scope);
    if (filter.categoryCode) q = q.where('r.category_code', '=', filter.categoryCode);
    if (filter.divisionCode) q = q.where(divisionPrefix('r.division_code', filter.divisionCode));
    if (filter.organizationId) q = q.where('r.organization_id', '=', filter.organizationId);
    const [count, items] = await Promise.all([
      q.clearSelect().select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      q.orderBy('r.category_code').orderBy('r.division_code').orderBy('r.priority', 'desc').orderBy('r.id').limit(window.limit).offset(window.offset).execute(),
    ]);
    return { total: count.n, items };
  },
  findRule: (db: Db, scope: DataScope, id: number) => rulesQuery(db, scope).where('r.id', '=', id).executeTakeFirst(),
  insertRule: async (db: Db, values: RuleValues) => (await db.insertInto('routing_rule').values(values).returning('id').executeTakeFirstOrThrow()).id,
  updateRule: async (db: Db, id: number, changes: Partial<RuleValues>) => {
    await db.updateTable('routing_rule').set({ ...changes, updated_at: sql`now()` }).where('id', '=', id).execute();
  },
  deleteRule: async (db: Db, id: number) => {
    await db.deleteFrom('routing_rule').where('id', '=', id).execute();
  },
  divisionExists: (db: Db, code: string) => db.selectFrom('division').select('code').where('code', '=', code).executeTakeFirst().then(Boolean),

  // ---- what EventConfig caches
  activeRules: (db: Db) => db.selectFrom('routing_rule').select(['id', 'category_code', 'division_code', 'source', 'organization_id', 'priority']).where('active', '=', true).execute(),
  categoryFacts: (db: Db) => db.selectFrom('event_category').select(['code', 'minor_name', 'name_en', 'active', 'public_reportable', 'auto_dispatch']).execute(),
};
