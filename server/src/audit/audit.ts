import { sql, type Insertable, type Kysely, type RawBuilder, type Transaction } from 'kysely';
import type { AuditLogTable, DB } from '../db/schema.ts';

export interface AuditContext {
  actorType: 'user' | 'token' | 'system';
  actorId: number | null;
  actorName: string;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: string | number | null;
  divisionCode?: string | null;
  before?: Record<string, unknown> | null;
  after?: Record<string, unknown> | null;
  /** Extra facts that are not field changes (e.g. which field was revealed). */
  details?: Record<string, unknown>;
}

/** Fields never copied into the audit trail. */
const secretFields = new Set(['password_hash', 'password', 'token_hash', 'csrf_token']);

/**
 * The changed fields only, as `{ field: { from, to } }`. A create has only `to`, a delete only `from`.
 * Secrets are recorded as changed but never with their values.
 */
export function diffChanges(
  before: Record<string, unknown> | null | undefined,
  after: Record<string, unknown> | null | undefined,
): Record<string, { from?: unknown; to?: unknown }> {
  const changes: Record<string, { from?: unknown; to?: unknown }> = {};
  const keys = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const key of keys) {
    if (key === 'updated_at' || key === 'created_at') continue;
    const from = before?.[key];
    const to = after?.[key];
    if (before && after && !(key in after)) continue;
    if (JSON.stringify(from) === JSON.stringify(to)) continue;
    if (secretFields.has(key)) {
      changes[key] = { to: '(changed)' };
      continue;
    }
    changes[key] = before && after ? { from, to } : before ? { from } : { to };
  }
  return changes;
}

/** The stored row of one entry. */
function auditRow(context: AuditContext, entry: AuditEntry): Insertable<AuditLogTable> {
  return {
    actor_type: context.actorType,
    actor_id: context.actorId,
    actor_name: context.actorName,
    ip: context.ip,
    user_agent: context.userAgent,
    request_id: context.requestId,
    action: entry.action,
    entity_type: entry.entityType,
    entity_id: entry.entityId === null ? null : String(entry.entityId),
    division_code: entry.divisionCode ?? null,
    changes: JSON.stringify({ ...diffChanges(entry.before, entry.after), ...(entry.details ? { _details: entry.details } : {}) }),
  };
}

export async function writeAudit(db: Kysely<DB> | Transaction<DB>, context: AuditContext, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(entries.map((entry) => auditRow(context, entry)))
    .execute();
}

/**
 * The audit row of a command that is one SQL statement, as the body of one of its data-modifying CTEs:
 * the entity is the row that CTE `source` inserted (its `id`). A statement commits whole, so the change
 * and its audit row commit together without a transaction around them.
 */
export function auditInsertFrom(context: AuditContext, entry: Omit<AuditEntry, 'entityId'>, source: string): RawBuilder<unknown> {
  const row = auditRow(context, { ...entry, entityId: null });
  return sql`INSERT INTO audit_log (actor_type, actor_id, actor_name, ip, user_agent, request_id, action, entity_type, entity_id, division_code, changes)
    SELECT ${row.actor_type}, ${row.actor_id}::integer, ${row.actor_name}, ${row.ip}, ${row.user_agent}, ${row.request_id}, ${row.action}, ${row.entity_type},
      ${sql.ref(`${source}.id`)}::text, ${row.division_code}, ${row.changes}::jsonb
    FROM ${sql.table(source)}`;
}
