import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';

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

export async function writeAudit(db: Kysely<DB> | Transaction<DB>, context: AuditContext, entries: AuditEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await db
    .insertInto('audit_log')
    .values(
      entries.map((entry) => ({
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
      })),
    )
    .execute();
}
