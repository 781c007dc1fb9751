import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Audit } from '../../http/command.ts';
import { formatShanghai } from '../../lib/xlsx-export.ts';
import type { Notice, Recipients } from '../../notify/notifier.ts';
import type { EventRow } from '../events/event-effects.ts';
import { eventsRepo } from '../events/events.repo.ts';
import type { TransitionActor } from '../events/transition.ts';
import { supervisionRepo, type SupervisionRow } from './supervision.repo.ts';
import type { SupervisionLevel } from './supervision.tables.ts';

/** The event-history actions of supervision (the timeline shows them beside the workflow steps). */
export type SupervisionAction = 'remind' | 'supervise' | 'list' | 'reply_supervision' | 'close_supervision';

export const actionOfLevel: Record<SupervisionLevel, SupervisionAction> = { remind: 'remind', supervise: 'supervise', listed: 'list' };

/** Audit action codes follow the permission style (`event:supervision:<verb>`). */
const auditAction: Record<SupervisionAction, string> = {
  remind: 'event:supervision:remind',
  supervise: 'event:supervision:supervise',
  list: 'event:supervision:list',
  reply_supervision: 'event:supervision:reply',
  close_supervision: 'event:supervision:close',
};

/**
 * Who must act on a supervised event: its handling unit while the case is at a unit (签收/处置), the
 * town's command center for every other phase (受理, 核实, 立案, 派遣, 核查, 结案).
 */
export async function supervisedUnit(db: Kysely<DB>, event: EventRow): Promise<number | null> {
  if (event.phase === 'handle' && event.handling_unit_id !== null) return event.handling_unit_id;
  return supervisionRepo.commandCenterFor(db, event.division_code);
}

/** 催办 goes to the whole unit; 督办 and 挂牌督办 to its head (all of it when it has none). */
export function recipientsOf(level: SupervisionLevel, organizationId: number): Recipients {
  return level === 'remind' ? { organizationId } : { organizationId, preferRole: 'unit_head' };
}

const minutes = (at: Date | null) => (at ? formatShanghai(at).slice(0, 16) : '');

/** The notice a new supervision step sends to its unit. */
export function supervisionNotice(event: EventRow, supervision: SupervisionRow, by: string): Notice {
  const entity = { type: 'event', id: event.id };
  const base = { code: event.code, title: event.title };
  switch (supervision.level) {
    case 'remind':
      return { kind: 'supervision.remind', params: { ...base, deadline: minutes(event.phase_deadline) }, entity };
    case 'supervise':
      return { kind: 'supervision.supervise', params: { ...base, replyDeadline: minutes(supervision.reply_deadline) }, entity };
    case 'listed':
      return { kind: 'supervision.listed', params: { ...base, by, requirement: supervision.requirement, replyDeadline: minutes(supervision.reply_deadline) }, entity };
  }
}

/** Audited columns of a supervision. */
const auditView = (s: SupervisionRow) => ({
  event_id: s.event_id,
  level: s.level,
  trigger: s.trigger,
  phase: s.phase,
  organization_id: s.organization_id,
  reply_deadline: s.reply_deadline?.toISOString() ?? null,
  status: s.status,
  replied_at: s.replied_at?.toISOString() ?? null,
});

export interface SupervisionStep {
  event: EventRow;
  supervision: SupervisionRow;
  before?: SupervisionRow;
  action: SupervisionAction;
  actor: TransitionActor;
  at: Date;
  note?: string;
}

/**
 * Writes one supervision step beside the supervision row the caller changed: the event-history line
 * (state unchanged), the event's supervision level and the audit record, in the caller's transaction.
 */
export async function recordSupervisionStep(trx: Transaction<DB>, audit: Audit, step: SupervisionStep): Promise<SupervisionLevel | null> {
  const { event, supervision } = step;
  const opening = step.action === 'remind' || step.action === 'supervise' || step.action === 'list';
  await eventsRepo.insertHistory(trx, {
    event_id: event.id,
    at: step.at,
    actor_type: step.actor.type,
    actor_id: step.actor.id,
    actor_name: step.actor.name,
    action: step.action,
    from_state: event.state,
    to_state: event.state,
    note: step.note ?? '',
    // A new step names the unit it addresses; a reply or closing shows the actor's own unit.
    organization_id: opening ? supervision.organization_id : step.actor.organizationId,
    details: {
      supervisionId: supervision.id,
      level: supervision.level,
      ...(opening && supervision.organization_id !== null ? { organizationId: supervision.organization_id } : {}),
      ...(opening && supervision.reply_deadline ? { replyDeadline: supervision.reply_deadline.toISOString() } : {}),
    },
  });
  const level = await supervisionRepo.recomputeLevel(trx, event.id);
  audit({
    action: auditAction[step.action],
    entityType: 'event_supervision',
    entityId: supervision.id,
    divisionCode: event.division_code,
    before: step.before ? auditView(step.before) : null,
    after: auditView(supervision),
    details: { eventId: event.id, eventCode: event.code },
  });
  return level;
}
