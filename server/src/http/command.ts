import type { FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
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

export type CommandWork<T> = (trx: Transaction<DB>, audit: Audit) => Promise<T>;
/** Runs one command's work: `runCommand` for requests, `runAudited` with a system context for background jobs. */
export type CommandRunner = <T>(work: CommandWork<T>) => Promise<T>;

/**
 * One command = one transaction: the change and its audit records commit together or not at all.
 * Never await network I/O inside `work`: on PGlite a transaction blocks every other request.
 */
export async function runCommand<T>(request: FastifyRequest, work: CommandWork<T>): Promise<T> {
  const { result, audited } = await inTransaction(request.server.db, auditContext(request), work);
  if (audited) request.audited = true;
  return result;
}

/** A command without a request (schedulers, device intake): the context names the system actor. */
export async function runAudited<T>(db: Kysely<DB>, context: AuditContext, work: CommandWork<T>): Promise<T> {
  return (await inTransaction(db, context, work)).result;
}

/**
 * A command that is one SQL statement writing its own audit row (see auditInsertFrom): it gets the
 * database and the audit context, and no transaction, since a single statement commits whole. For hot
 * paths where BEGIN and COMMIT would be most of the round trips (intake); everything else uses runCommand.
 */
export type StatementWork<T> = (db: Kysely<DB>, context: AuditContext) => Promise<T>;
/** Runs a one-statement command: `runStatement` for requests, `runAuditedStatement` with a system context. */
export type StatementRunner = <T>(work: StatementWork<T>) => Promise<T>;

export async function runStatement<T>(request: FastifyRequest, work: StatementWork<T>): Promise<T> {
  const result = await work(request.server.db, auditContext(request));
  request.audited = true;
  return result;
}

export function runAuditedStatement<T>(db: Kysely<DB>, context: AuditContext, work: StatementWork<T>): Promise<T> {
  return work(db, context);
}

async function inTransaction<T>(db: Kysely<DB>, context: AuditContext, work: CommandWork<T>): Promise<{ result: T; audited: boolean }> {
  const entries: AuditEntry[] = [];
  const result = await db.transaction().execute(async (trx) => {
    const value = await work(trx, (entry) => entries.push(entry));
    await writeAudit(trx, context, entries);
    return value;
  });
  return { result, audited: entries.length > 0 };
}
