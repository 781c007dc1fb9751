import type { FastifyInstance } from 'fastify';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { AuditContext } from '../../audit/audit.ts';
import { runAudited, runAuditedStatement, type Audit, type CommandRunner } from '../../http/command.ts';
import { decide, type EventAction } from './event-workflow.ts';
import { effectOf, workflowFacts, type EventRow } from './event-effects.ts';
import { eventsRepo } from './events.repo.ts';
import { persistTransition } from './transition.ts';
import { intakeWith, type IntakeOutcome, type Report } from './intake.service.ts';
import { autoDispatch } from './workflow.service.ts';

/**
 * Reports the platform raises itself (IoT alarms), with no HTTP request behind them: the system is the
 * reporter and the audited actor. A machine finding that a rule judged to need action is its own
 * verification, so with `register` the system also accepts and registers (立案) it, and the event is
 * then dispatched automatically when its category and the routing rules allow — otherwise it waits for
 * a dispatcher like any other registered case.
 */
export interface SystemReporter {
  /** Who is named in the history and the audit trail, e.g. 物联感知. */
  name: string;
  /** Where a report without a location lands (its town). */
  divisionCode: string;
  register: boolean;
}

const systemContext = (name: string): AuditContext => ({ actorType: 'system', actorId: null, actorName: name, ip: null, userAgent: null, requestId: null });

export async function reportAsSystem(app: FastifyInstance, report: Report, reporter: SystemReporter): Promise<IntakeOutcome> {
  const context = systemContext(reporter.name);
  const run: CommandRunner = (work) => runAudited(app.db, context, work);
  const outcome = await intakeWith(app, { run, statement: (work) => runAuditedStatement(app.db, context, work) }, report, {
    actorType: 'system',
    actorId: null,
    actorName: reporter.name,
    userId: null,
    divisionCode: reporter.divisionCode,
    uploads: { ownerType: 'upload', uploadedBy: null },
    publicOnly: false,
    fields: { photos: '/photos', phone: '/reporterPhone' },
  });
  if (!outcome.created || !reporter.register) return outcome;
  let row = outcome.event;
  for (const action of ['accept', 'register'] as const) {
    const next = await systemStep(app, run, row, action, reporter.name);
    if (!next) return { ...outcome, event: row };
    row = next;
  }
  return { ...outcome, event: await autoDispatch(app, run, row) };
}

/** One workflow step taken by the system; undefined when the event is not in a state that allows it. */
async function systemStep(app: FastifyInstance, run: CommandRunner, row: EventRow, action: EventAction, name: string): Promise<EventRow | undefined> {
  const now = Date.now();
  const decision = decide(action, workflowFacts(row, now), { organizationIds: [] }, undefined);
  if ('refused' in decision) return undefined;
  const [calendar, limits] = await Promise.all([app.eventConfig.calendar(), app.eventConfig.phaseLimits()]);
  const effect = effectOf(action, row, decision.to, { now, calendar, limits });
  const updated = await run((trx, audit) =>
    persistTransition(trx, audit, { row, action, to: decision.to, effect, actor: { type: 'system', id: null, name, organizationId: null }, at: new Date(now), note: '设备告警，系统自动受理立案' }),
  );
  app.realtime.publish({ type: 'event.changed', divisionCode: updated.division_code, data: { id: updated.id, code: updated.code, action, state: updated.state } });
  return updated;
}

export interface EventNote {
  eventId: number;
  note: string;
  actor: { type: 'user' | 'token' | 'system'; id: number | null; name: string };
  details?: Record<string, unknown>;
}

/**
 * A note on an event's timeline that changes nothing else (e.g. "the sensor's alarm has cleared"): the
 * case stays where it is, its handlers see what happened. Written in the caller's transaction.
 */
export async function addEventNote(trx: Transaction<DB>, audit: Audit, note: EventNote): Promise<void> {
  const event = await trx.selectFrom('event').select(['state', 'division_code']).where('id', '=', note.eventId).executeTakeFirst();
  if (!event) return;
  await eventsRepo.insertHistory(trx, {
    event_id: note.eventId,
    at: new Date(),
    actor_type: note.actor.type,
    actor_id: note.actor.id,
    actor_name: note.actor.name,
    action: 'note',
    from_state: event.state,
    to_state: event.state,
    note: note.note,
    details: note.details,
  });
  audit({ action: 'event:case:note', entityType: 'event', entityId: note.eventId, divisionCode: event.division_code, details: { note: note.note, ...note.details } });
}

/** `addEventNote` as the system, in a transaction of its own. */
export function addSystemEventNote(app: FastifyInstance, name: string, note: Omit<EventNote, 'actor'>): Promise<void> {
  return runAudited(app.db, systemContext(name), (trx, audit) => addEventNote(trx, audit, { ...note, actor: { type: 'system', id: null, name } }));
}
