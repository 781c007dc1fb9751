import { sql, type Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

type Who = { type: 'user' | 'token'; id: number };

export const revealRepo = {
  /** A transaction-scoped advisory lock per actor: concurrent reveals of one actor run one at a time. */
  async lockActor(trx: Transaction<DB>, who: Who) {
    await sql`SELECT pg_advisory_xact_lock(hashtext(${`reveal:${who.type}`}), ${who.id})`.execute(trx);
  },

  /** Reveals the actor made since `since`, counted from the audit trail (uses index audit_log_reveal). */
  async countSince(trx: Transaction<DB>, who: Who, action: string, since: Date) {
    const row = await trx
      .selectFrom('audit_log')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('action', '=', action)
      .where('actor_type', '=', who.type)
      .where('actor_id', '=', who.id)
      .where('at', '>=', since)
      .executeTakeFirstOrThrow();
    return row.n;
  },
};
