import type { FastifyInstance } from 'fastify';
import { runPeriodically } from '../../lib/periodic.ts';
import { writeAudit, type AuditEntry } from '../../audit/audit.ts';
import { lightOf } from '../events/events.present.ts';
import { deadlineFor, type LightRule, type TrafficLight } from '../events/work-calendar.ts';
import type { ReplyLimit } from './supervision-rules.ts';
import { supervisionRepo } from './supervision.repo.ts';
import { actionOfLevel, recipientsOf, recordSupervisionStep, supervisedUnit, supervisionNotice } from './supervision-steps.ts';

const systemActor = { type: 'system' as const, id: null, name: '系统', organizationId: null };
const systemAudit = { actorType: 'system' as const, actorId: null, actorName: 'supervision-scheduler', ip: null, userAgent: null, requestId: null };
/** Escalations per level and tick at most; the rest wait for the next tick. */
const batch = 200;

export interface SupervisionScheduler {
  /** One pass now; resolves with the number of 催办 and 督办 sent. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

export interface SupervisionSchedulerOptions {
  intervalMs?: number;
  /** The clock (tests move it). */
  now?: () => number;
}

/**
 * The automatic supervision ladder: 催办 (remind) when the running phase has used the share of its
 * limit the supervision rules set (yellow light, 80 % by default), 督办 (supervise, written reply required) once it is overdue (red). Each step is
 * keyed by the phase and deadline it concerns (a unique index), so a second pass, a second node or a
 * restart never sends one twice; whatever fell due while the server was down is caught up on the
 * first pass (an event already overdue gets its 督办 only, not a belated 催办).
 */
export function startSupervisionScheduler(app: FastifyInstance, options: SupervisionSchedulerOptions = {}): SupervisionScheduler {
  const now = options.now ?? Date.now;
  return runPeriodically(app.log, 'supervision pass failed', options.intervalMs ?? 60_000, () => escalateDue(app, now()));
}

interface Pass {
  now: number;
  light: LightRule;
  replyLimit: ReplyLimit;
}

async function escalateDue(app: FastifyInstance, now: number): Promise<number> {
  const [light, rules] = await Promise.all([app.eventConfig.lightRule(), app.eventConfig.supervisionRules()]);
  const pass: Pass = { now, light, replyLimit: rules.superviseReplyLimit };
  let sent = 0;
  // Overdue first: an event that is already red needs its 督办, not a 催办.
  for (const { id } of await supervisionRepo.overdueWithoutSupervision(app.db, new Date(now), batch)) {
    if (await escalate(app, id, 'supervise', pass)) sent++;
  }
  const candidates = await supervisionRepo.dueForReminderCandidates(app.db, new Date(now));
  const yellow = candidates.filter((row) => lightOf(row, light, now) === 'yellow').slice(0, batch);
  for (const { id } of yellow) {
    if (await escalate(app, id, 'remind', pass)) sent++;
  }
  return sent;
}

const lightFor: Record<'remind' | 'supervise', TrafficLight> = { remind: 'yellow', supervise: 'red' };

/** One automatic step on one event, in one transaction; false when it is no longer due or was sent before. */
async function escalate(app: FastifyInstance, eventId: number, level: 'remind' | 'supervise', pass: Pass): Promise<boolean> {
  const at = new Date(pass.now);
  const outcome = await app.db.transaction().execute(async (trx) => {
    // Locked and read again: a step that moved the event meanwhile wins, and one arriving now waits.
    const event = await supervisionRepo.lockEvent(trx, eventId);
    if (!event || lightOf(event, pass.light, pass.now) !== lightFor[level]) return null;
    const organizationId = await supervisedUnit(trx, event);
    const replyDeadline = level === 'supervise' ? new Date(deadlineFor(pass.light.calendar, pass.now, pass.replyLimit.value, pass.replyLimit.unit)) : null;
    const supervision = await supervisionRepo.insertOnce(trx, {
      event_id: event.id,
      level,
      trigger: 'auto',
      phase: event.phase,
      phase_deadline: event.phase_deadline,
      organization_id: organizationId,
      division_code: event.division_code,
      reply_required: level === 'supervise',
      reply_deadline: replyDeadline,
      created_at: at,
    });
    if (!supervision) return null;
    const entries: AuditEntry[] = [];
    await recordSupervisionStep(trx, (entry) => entries.push(entry), { event, supervision, action: actionOfLevel[level], actor: systemActor, at });
    const notices = organizationId === null ? [] : await app.notices.write(trx, recipientsOf(level, organizationId), supervisionNotice(event, supervision, systemActor.name));
    await writeAudit(trx, systemAudit, entries);
    return { event, notices };
  });
  if (!outcome) return false;
  app.notices.deliver(outcome.notices);
  app.realtime.publish({ type: 'event.changed', divisionCode: outcome.event.division_code, data: { id: eventId, code: outcome.event.code, action: actionOfLevel[level], state: outcome.event.state } });
  return true;
}
