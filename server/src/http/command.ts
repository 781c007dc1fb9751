import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { writeAudit, type AuditContext, type AuditEntry } from '../audit/audit.ts';

export type Audit = (entry: AuditEntry) => void;

export function auditContext(request: FastifyRequest): AuditContext {
  const actor = request.actor;
  return {
    actorType: actor ? actor.type : 'system',
    actorId: actor?.id ?? null,
    actorName: actor?.name ?? 'anonymous',
    ip: request.ip ?? null,
    userAgent: request.headers['user-agent']?.slice(0, 256) ?? null,
    requestId: String(request.id),
  };
}

/**
 * One command = one transaction: the change and its audit records commit together or not at all.
 * Never await network I/O inside `work`: on PGlite a transaction blocks every other request.
 */
export async function runCommand<T>(request: FastifyRequest, work: (trx: Transaction<DB>, audit: Audit) => Promise<T>): Promise<T> {
  const entries: AuditEntry[] = [];
  const result = await request.server.db.transaction().execute(async (trx) => {
    const value = await work(trx, (entry) => entries.push(entry));
    await writeAudit(trx, auditContext(request), entries);
    return value;
  });
  if (entries.length > 0) request.audited = true;
  return result;
}
