import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB, NewAppUser, AppUserUpdate } from '../../db/schema.ts';
import type { DataScope } from '../../auth/actor.ts';
import { divisionPrefix, scopeCondition } from '../../auth/scope-filter.ts';
import type { UserListQuery } from './users.schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

const userColumns = [
  'u.id',
  'u.username',
  'u.display_name',
  'u.division_code',
  'd.name as division_name',
  'u.organization_id',
  'o.name as organization_name',
  'u.status',
  'u.locale',
  'u.last_login_at',
  'u.locked_until',
  'u.created_at',
] as const;

const inScope = (scope: DataScope) => scopeCondition(scope, { division: 'u.division_code', organization: 'u.organization_id', owner: 'u.id' });

function baseQuery(db: Db) {
  return db
    .selectFrom('app_user as u')
    .innerJoin('division as d', 'd.code', 'u.division_code')
    .leftJoin('organization as o', 'o.id', 'u.organization_id')
    .select(userColumns)
    .select((eb) =>
      eb.fn
        .coalesce(
          eb.selectFrom('user_role').innerJoin('role', 'role.id', 'user_role.role_id').whereRef('user_role.user_id', '=', 'u.id').select(sql<string[]>`array_agg(role.code ORDER BY role.code)`.as('codes')),
          sql<string[]>`'{}'::text[]`,
        )
        .as('roles'),
    );
}

export type UserRow = Awaited<ReturnType<ReturnType<typeof baseQuery>['executeTakeFirstOrThrow']>>;

export class UsersRepository {
  async list(db: Db, scope: DataScope, query: UserListQuery, window: { limit: number; offset: number }) {
    let q = db.selectFrom('app_user as u').where(inScope(scope));
    if (query.divisionCode) q = q.where(divisionPrefix('u.division_code', query.divisionCode));
    if (query.status) q = q.where('u.status', '=', query.status);
    if (query.keyword) {
      const like = `%${query.keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      q = q.where((eb) => eb.or([eb('u.username', 'ilike', like), eb('u.display_name', 'ilike', like)]));
    }
    const ids = q.select('u.id');
    const [total, items] = await Promise.all([
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      baseQuery(db).where('u.id', 'in', ids).orderBy('u.division_code').orderBy('u.username').limit(window.limit).offset(window.offset).execute(),
    ]);
    return { total: total.n, items };
  }

  findVisible(db: Db, scope: DataScope, id: number) {
    return baseQuery(db).where('u.id', '=', id).where(inScope(scope)).executeTakeFirst();
  }

  /** Without a scope check: only for re-reading a row the caller has just been allowed to write. */
  findById(db: Db, id: number) {
    return baseQuery(db).where('u.id', '=', id).executeTakeFirstOrThrow();
  }

  usernameTaken(db: Db, username: string) {
    return db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirst().then(Boolean);
  }

  async insert(db: Db, user: NewAppUser) {
    return db.insertInto('app_user').values(user).returning('id').executeTakeFirstOrThrow();
  }

  async update(db: Db, id: number, changes: AppUserUpdate) {
    await db.updateTable('app_user').set({ ...changes, updated_at: sql`now()` }).where('id', '=', id).execute();
  }

  async setRoles(db: Db, userId: number, roleIds: number[]) {
    await db.deleteFrom('user_role').where('user_id', '=', userId).execute();
    if (roleIds.length) await db.insertInto('user_role').values(roleIds.map((role_id) => ({ user_id: userId, role_id }))).execute();
  }

  rolesByCode(db: Db, codes: string[]) {
    if (codes.length === 0) return Promise.resolve([]);
    return db.selectFrom('role').select(['id', 'code', 'permissions']).where('code', 'in', codes).execute();
  }

  organization(db: Db, id: number) {
    return db.selectFrom('organization').select(['id', 'division_code']).where('id', '=', id).executeTakeFirst();
  }

  divisionExists(db: Db, code: string) {
    return db.selectFrom('division').select('code').where('code', '=', code).executeTakeFirst().then(Boolean);
  }
}
