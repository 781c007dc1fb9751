import { sql, type Kysely } from 'kysely';
import type { DB, DataScopeKind } from '../db/schema.ts';

/** SQL for sign-in, sessions, API tokens and the login log. */
export class AuthRepository {
  constructor(private readonly db: Kysely<DB>) {}

  findUserByUsername(username: string) {
    return this.db.selectFrom('app_user').selectAll().where('username', '=', username).executeTakeFirst();
  }

  async recordFailure(userId: number, maxFailures: number, lockoutMinutes: number) {
    // One statement so that concurrent failures cannot both read the old count.
    return this.db
      .updateTable('app_user')
      .set({
        failed_logins: sql`CASE WHEN failed_logins + 1 >= ${maxFailures} THEN 0 ELSE failed_logins + 1 END`,
        locked_until: sql`CASE WHEN failed_logins + 1 >= ${maxFailures} THEN now() + make_interval(mins => ${lockoutMinutes}) ELSE locked_until END`,
      })
      .where('id', '=', userId)
      .returning(['failed_logins', 'locked_until'])
      .executeTakeFirstOrThrow();
  }

  recordSuccess(userId: number) {
    return this.db
      .updateTable('app_user')
      .set({ failed_logins: 0, locked_until: null, last_login_at: sql`now()` })
      .where('id', '=', userId)
      .execute();
  }

  logLogin(entry: { username: string; userId: number | null; success: boolean; reason: string; ip: string | null; userAgent: string | null }) {
    return this.db
      .insertInto('login_log')
      .values({
        username: entry.username.slice(0, 64),
        user_id: entry.userId,
        success: entry.success,
        reason: entry.reason,
        ip: entry.ip,
        user_agent: entry.userAgent?.slice(0, 256) ?? null,
      })
      .execute();
  }

  async createSession(session: { tokenHash: string; userId: number; csrfToken: string; ip: string | null; userAgent: string | null; createdAt: Date; expiresAt: Date; single: boolean }) {
    await this.db.transaction().execute(async (trx) => {
      if (session.single) {
        await trx.updateTable('session').set({ revoked_at: sql`now()` }).where('user_id', '=', session.userId).where('revoked_at', 'is', null).execute();
      }
      await trx
        .insertInto('session')
        .values({
          token_hash: session.tokenHash,
          user_id: session.userId,
          csrf_token: session.csrfToken,
          ip: session.ip,
          user_agent: session.userAgent?.slice(0, 256) ?? null,
          created_at: session.createdAt,
          last_seen_at: session.createdAt,
          expires_at: session.expiresAt,
        })
        .execute();
    });
  }

  findSession(tokenHash: string) {
    return this.db.selectFrom('session').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  touchSession(tokenHash: string, lastSeen: Date) {
    return this.db.updateTable('session').set({ last_seen_at: lastSeen }).where('token_hash', '=', tokenHash).execute();
  }

  revokeSession(tokenHash: string) {
    return this.db.updateTable('session').set({ revoked_at: sql`now()` }).where('token_hash', '=', tokenHash).execute();
  }

  revokeUserSessions(userId: number) {
    return this.db.updateTable('session').set({ revoked_at: sql`now()` }).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
  }

  /**
   * The user with the union of their roles' permissions and scope kinds, their organisation subtree and
   * the unit grids of the responsibility grids they serve (primary or backup).
   */
  async loadUserContext(userId: number) {
    const user = await this.db
      .selectFrom('app_user as u')
      .innerJoin('division as d', 'd.code', 'u.division_code')
      .leftJoin('organization as o', 'o.id', 'u.organization_id')
      .select(['u.id', 'u.username', 'u.display_name', 'u.division_code', 'd.name as division_name', 'u.organization_id', 'o.name as organization_name', 'u.status', 'u.locale'])
      .where('u.id', '=', userId)
      .executeTakeFirst();
    if (!user) return undefined;
    const roles = await this.db
      .selectFrom('user_role')
      .innerJoin('role', 'role.id', 'user_role.role_id')
      .select(['role.code', 'role.permissions', 'role.data_scope'])
      .where('user_role.user_id', '=', userId)
      .orderBy('role.code')
      .execute();
    const scopeKinds = roles.map((r) => r.data_scope as DataScopeKind);
    const [organizationIds, unitGridCodes] = await Promise.all([
      user.organization_id === null ? [] : this.organizationSubtree(user.organization_id),
      scopeKinds.includes('grid') ? this.servedUnitGrids(userId) : [],
    ]);
    return {
      user,
      roleCodes: roles.map((r) => r.code),
      permissions: [...new Set(roles.flatMap((r) => r.permissions))],
      scopeKinds,
      organizationIds,
      unitGridCodes,
    };
  }

  async servedUnitGrids(userId: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('responsibility_grid_unit as u')
      .innerJoin('responsibility_grid as rg', 'rg.id', 'u.responsibility_grid_id')
      .select('u.unit_grid_code')
      .where((eb) => eb.or([eb('rg.primary_user_id', '=', userId), eb('rg.backup_user_id', '=', userId)]))
      .execute();
    return rows.map((r) => r.unit_grid_code);
  }

  async organizationSubtree(rootId: number): Promise<number[]> {
    const rows = await sql<{ id: number }>`
      WITH RECURSIVE tree AS (
        SELECT id FROM organization WHERE id = ${rootId}
        UNION ALL
        SELECT o.id FROM organization o JOIN tree t ON o.parent_id = t.id
      )
      SELECT id FROM tree`.execute(this.db);
    return rows.rows.map((r) => r.id);
  }

  findToken(tokenHash: string) {
    return this.db.selectFrom('api_token').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
  }

  touchToken(id: number) {
    return this.db.updateTable('api_token').set({ last_used_at: sql`now()` }).where('id', '=', id).execute();
  }
}
