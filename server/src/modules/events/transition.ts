import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Audit } from '../../http/command.ts';
import { conflict } from '../../http/errors.ts';
import type { EventHistoryTable } from './events.tables.ts';
import type { EventAction, EventState } from './event-workflow.ts';
import type { Effect, EventRow } from './event-effects.ts';
import { eventsRepo } from './events.repo.ts';
import { attachPhotos } from './event-files.ts';
import { endSupervisionLeftBehind } from '../supervision/supervision-end.ts';

export interface TransitionActor {
  type: EventHistoryTable['actor_type'];
  id: number | null;
  name: string;
  organizationId: number | null;
}

export interface Transition {
  row: EventRow;
  action: EventAction | 'merge' | 'merge_in';
  to: EventState;
  effect: Effect;
  actor: TransitionActor;
  at: Date;
  reason?: string;
  note?: string;
  photoIds?: number[];
  clientActionId?: string;
}

/** The audited columns of an event (no personal data). */
const auditView = (row: EventRow) => ({
  state: row.state,
  division_code: row.division_code,
  handling_unit_id: row.handling_unit_id,
  co_unit_ids: row.co_unit_ids,
  phase_deadline: row.phase_deadline?.toISOString() ?? null,
  handle_deadline: row.handle_deadline?.toISOString() ?? null,
  extension_count: row.extension_count,
  rework_count: row.rework_count,
  return_count: row.return_count,
  close_type: row.close_type,
  merged_into_id: row.merged_into_id,
});

/**
 * Writes one step: the version-checked update (a concurrent step makes it fail with 409 CONFLICT),
 * the append-only history row, the photos, the audit record and the end of supervision it left behind,
 * all in the caller's transaction.
 */
export async function persistTransition(trx: Transaction<DB>, audit: Audit, t: Transition): Promise<EventRow> {
  const after = await eventsRepo.updateVersioned(trx, t.row.id, t.row.version, t.effect.patch);
  if (!after) throw conflict();
  const details: Record<string, unknown> = { ...t.effect.details, ...(t.reason && t.note ? { reason: t.reason } : {}) };
  await eventsRepo.insertHistory(trx, {
    event_id: t.row.id,
    at: t.at,
    actor_type: t.actor.type,
    actor_id: t.actor.id,
    actor_name: t.actor.name,
    action: t.action,
    from_state: t.row.state,
    to_state: t.to,
    note: t.note ?? t.reason ?? '',
    organization_id: typeof details.organizationId === 'number' ? details.organizationId : t.actor.organizationId,
    file_ids: t.photoIds ?? [],
    details,
    client_action_id: t.clientActionId ?? null,
  });
  await attachPhotos(trx, t.photoIds ?? [], t.row.id, after.division_code);
  audit({ action: `event:case:${t.action}`, entityType: 'event', entityId: t.row.id, divisionCode: after.division_code, before: auditView(t.row), after: auditView(after), details });
  // A step that leaves a phase (or closes the case) ends the supervision of what it left.
  return { ...after, supervision_level: await endSupervisionLeftBehind(trx, audit, after, t.at) };
}
