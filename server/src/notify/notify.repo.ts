import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface NewNotice {
  kind: string;
  params: Record<string, string | number>;
  entityType: string | null;
  entityId: string | null;
}

/** SQL of the in-app notices: one row per recipient. */
export const notifyRepo = {
  insert(trx: Db, userIds: number[], notice: NewNotice) {
    if (userIds.length === 0) return Promise.resolve([]);
    const params = JSON.stringify(notice.params);
    return trx
      .insertInto('notification')
      .values(userIds.map((user_id) => ({ user_id, kind: notice.kind, params, entity_type: notice.entityType, entity_id: notice.entityId })))
      .returning(['id', 'user_id'])
      .execute();
  },

  /** The active users of one organisation, each flagged when they hold `role` (e.g. the unit head). */
  organizationUsers(db: Db, organizationId: number, role: string) {
    return db
      .selectFrom('app_user as u')
      .select([
        'u.id',
        sql<boolean>`EXISTS (SELECT 1 FROM user_role ur JOIN role r ON r.id = ur.role_id WHERE ur.user_id = u.id AND r.code = ${role})`.as('has_role'),
      ])
      .where('u.organization_id', '=', organizationId)
      .where('u.status', '=', 'active')
      .orderBy('u.id')
      .execute();
  },

  /** Of these ids, the users that exist and are active. */
  activeUsers(db: Db, userIds: number[]) {
    if (userIds.length === 0) return Promise.resolve([]);
    return db.selectFrom('app_user').select('id').where('id', 'in', userIds).where('status', '=', 'active').execute();
  },

  async page(db: Db, userId: number, filter: { unreadOnly: boolean }, window: { limit: number; offset: number }) {
    let q = db.selectFrom('notification').where('user_id', '=', userId);
    if (filter.unreadOnly) q = q.where('read_at', 'is', null);
    const [items, counted] = await Promise.all([
      q.select(['id', 'kind', 'params', 'entity_type', 'entity_id', 'created_at', 'read_at']).orderBy('id', 'desc').limit(window.limit).offset(window.offset).execute(),
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
    ]);
    return { items, total: counted.n };
  },

  async unreadCount(db: Db, userId: number) {
    const row = await db.selectFrom('notification').select(sql<number>`count(*)::int`.as('n')).where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirstOrThrow();
    return row.n;
  },

  find(db: Db, userId: number, id: number) {
    return db.selectFrom('notification').select(['id', 'read_at']).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
  },

  markRead(trx: Db, userId: number, id: number, at: Date) {
    return trx.updateTable('notification').set({ read_at: at }).where('id', '=', id).where('user_id', '=', userId).where('read_at', 'is', null).returning('id').executeTakeFirst();
  },

  markAllRead(trx: Db, userId: number, at: Date) {
    return trx.updateTable('notification').set({ read_at: at }).where('user_id', '=', userId).where('read_at', 'is', null).returning('id').execute();
  },
};
