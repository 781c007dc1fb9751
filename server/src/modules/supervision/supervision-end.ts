import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Audit } from '../../http/command.ts';
import type { EventRow } from '../events/event-effects.ts';
import { terminalStates, type EventState } from '../events/event-workflow.ts';
import { supervisionRepo } from './supervision.repo.ts';
import type { SupervisionLevel } from './supervision.tables.ts';

/**
 * Called by every event step (events/transition.ts) inside its transaction, with the event as the step
 * left it: closing or cancelling the event ends all its supervision; moving to another phase or
 * deadline ends the automatic 催办/督办 of the old one (a 挂牌督办 stays until the event is over or its
 * supervisor closes it). Returns the event's supervision level afterwards.
 */
export async function endSupervisionLeftBehind(trx: Transaction<DB>, audit: Audit, event: EventRow, at: Date): Promise<SupervisionLevel | null> {
  // Nothing open, nothing to end: the common case costs no query.
  if (event.supervision_level === null) return null;
  const over = terminalStates.includes(event.state as EventState);
  const ended = await supervisionRepo.closeLeftBehind(trx, event.id, over, at);
  if (ended.length === 0) return event.supervision_level;
  for (const s of ended) {
    audit({ action: 'event:supervision:end', entityType: 'event_supervision', entityId: s.id, divisionCode: event.division_code, after: { status: s.status }, details: { eventId: event.id, level: s.level } });
  }
  return supervisionRepo.recomputeLevel(trx, event.id);
}
