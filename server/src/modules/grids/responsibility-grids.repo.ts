import { sql, type Expression, type Kysely, type SqlBool, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { DataScope } from '../../auth/actor.ts';
import { divisionPrefix, withinScope } from '../../auth/scope-filter.ts';

type Db = Kysely<DB> | Transaction<DB>;

function baseQuery(db: Db) {
  return db
    .selectFrom('responsibility_grid as rg')
    .innerJoin('division as v', 'v.code', 'rg.village_code')
    .leftJoin('app_user as p', 'p.id', 'rg.primary_user_id')
    .leftJoin('app_user as b', 'b.id', 'rg.backup_user_id')
    .select([
      'rg.id',
      'rg.code',
      'rg.name',
      'rg.village_code',
      'v.name as village_name',
      'rg.primary_user_id',
      'p.username as primary_username',
      'p.display_name as primary_display_name',
      'rg.backup_user_id',
      'b.username as backup_username',
      'b.display_name as backup_display_name',
      'rg.updated_at',
    ])
    .select((eb) =>
      eb.fn
        .coalesce(
          eb
            .selectFrom('responsibility_grid_unit as u')
            .whereRef('u.responsibility_grid_id', '=', 'rg.id')
            .select(sql<string[]>`array_agg(u.unit_grid_code ORDER BY u.unit_grid_code)`.as('codes')),
          sql<string[]>`'{}'::text[]`,
        )
        .as('unit_grid_codes'),
    );
}

export type ResponsibilityGridRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

/**
 * Readable: the village is in scope, or one of its unit grids is (a grid worker sees the responsibility
 * grid that covers their unit grid). Manageable: the village is in scope.
 */
const visible = (scope: DataScope): Expression<SqlBool> =>
  sql<SqlBool>`(${withinScope('rg.village_code', scope)} OR EXISTS (SELECT 1 FROM responsibility_grid_unit AS su WHERE su.responsibility_grid_id = rg.id AND ${withinScope('su.unit_grid_code', scope)}))`;

export const responsibilityGridsRepo = {
  async list(db: Db, scope: DataScope, filter: { villageCode?: string; unitGridCode?: string }, window: { limit: number; offset: number }) {
    let q = db.selectFrom('responsibility_grid as rg').where(visible(scope));
    if (filter.villageCode) q = q.where(divisionPrefix('rg.village_code', filter.villageCode));
    if (filter.unitGridCode) {
      const code = filter.unitGridCode;
      q = q.where((eb) => eb.exists(eb.selectFrom('responsibility_grid_unit as fu').whereRef('fu.responsibility_grid_id', '=', 'rg.id').where('fu.unit_grid_code', '=', code).select(sql`1`.as('one'))));
    }
    const [total, items] = await Promise.all([
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      baseQuery(db).where('rg.id', 'in', q.select('rg.id')).orderBy('rg.village_code').orderBy('rg.code').limit(window.limit).offset(window.offset).execute(),
    ]);
    return { total: total.n, items };
  },

  findVisible: (db: Db, scope: DataScope, id: number) => baseQuery(db).where('rg.id', '=', id).where(visible(scope)).executeTakeFirst(),
  findManaged: (db: Db, scope: DataScope, id: number) => baseQuery(db).where('rg.id', '=', id).where(withinScope('rg.village_code', scope)).executeTakeFirst(),
  /** Without a scope check: only for re-reading a row the caller has just been allowed to write. */
  findById: (db: Db, id: number) => baseQuery(db).where('rg.id', '=', id).executeTakeFirstOrThrow(),

  codeTaken: (db: Db, code: string) => db.selectFrom('responsibility_grid').select('id').where('code', '=', code).executeTakeFirst().then(Boolean),

  async insert(db: Db, row: { code: string; name: string; village_code: string; primary_user_id: number | null; backup_user_id: number | null }) {
    return (await db.insertInto('responsibility_grid').values(row).returning('id').executeTakeFirstOrThrow()).id;
  },

  async update(db: Db, id: number, changes: { name?: string; primary_user_id?: number | null; backup_user_id?: number | null }) {
    await db.updateTable('responsibility_grid').set({ ...changes, updated_at: sql`now()` }).where('id', '=', id).execute();
  },

  async setUnits(db: Db, id: number, unitGridCodes: string[]) {
    await db.deleteFrom('responsibility_grid_unit').where('responsibility_grid_id', '=', id).execute();
    await db.insertInto('responsibility_grid_unit').values(unitGridCodes.map((unit_grid_code) => ({ unit_grid_code, responsibility_grid_id: id }))).execute();
  },

  /** Which responsibility grid already holds each of these unit grids. */
  owners: (db: Db, unitGridCodes: string[]) =>
    db
      .selectFrom('responsibility_grid_unit as u')
      .innerJoin('responsibility_grid as rg', 'rg.id', 'u.responsibility_grid_id')
      .select(['u.unit_grid_code', 'rg.id', 'rg.code'])
      .where('u.unit_grid_code', 'in', unitGridCodes)
      .orderBy('u.unit_grid_code')
      .execute(),

  /** The unit-grid divisions among `codes` that lie in the village. */
  async unitGridsOf(db: Db, villageCode: string, codes: string[]) {
    const rows = await db.selectFrom('division').select('code').where('level', '=', 'grid').where('parent_code', '=', villageCode).where('code', 'in', codes).execute();
    return new Set(rows.map((r) => r.code));
  },

  village: (db: Db, code: string) => db.selectFrom('division').select(['code', 'name']).where('code', '=', code).where('level', '=', 'village').executeTakeFirst(),

  /** Active users placed inside the scope. */
  async activeUserInScope(db: Db, scope: DataScope, id: number) {
    const row = await db.selectFrom('app_user').select('id').where('id', '=', id).where('status', '=', 'active').where(withinScope('division_code', scope)).executeTakeFirst();
    return Boolean(row);
  },
};
