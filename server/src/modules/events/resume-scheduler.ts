import type { FastifyInstance } from 'fastify';
import { runPeriodically } from '../../lib/periodic.ts';
import { writeAudit, type AuditEntry } from '../../audit/audit.ts';
import { eventsRepo } from './events.repo.ts';
import { decide } from './event-workflow.ts';
import { effectOf, workflowFacts } from './event-effects.ts';
import { persistTransition } from './transition.ts';

const systemActor = { type: 'system' as const, id: null, name: '系统', organizationId: null };
const systemAudit = { actorType: 'system' as const, actorId: null, actorName: 'event-scheduler', ip: null, userAgent: null, requestId: null };
/** Resumes per tick at most; the rest wait for the next tick. */
const batch = 100;

export interface ResumeScheduler {
  /** One pass now; resolves with the number of events resumed. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Resumes suspended (挂账) events when their end has come. Everything it needs is in the database
 * (state, suspended_at, suspended_until, deadlines), so a restart loses nothing: the first tick after
 * start catches up on what fell due while the server was down.
 */
export function startResumeScheduler(app: FastifyInstance, intervalMs = 30_000): ResumeScheduler {
  return runPeriodically(app.log, 'resuming suspended events failed', intervalMs, () => resumeDue(app));
}

async function resumeDue(app: FastifyInstance): Promise<number> {
  const now = Date.now();
  const due = await eventsRepo.dueSuspensions(app.db, new Date(now), batch);
  if (due.length === 0) return 0;
  const [calendar, limits] = await Promise.all([app.eventConfig.calendar(), app.eventConfig.phaseLimits()]);
  let resumed = 0;
  for (const { id } of due) {
    const row = await eventsRepo.findById(app.db, id);
    const decision = decide('resume', workflowFacts(row, now), { organizationIds: [] }, undefined);
    if ('refused' in decision) continue;
    const effect = effectOf('resume', row, decision.to, { now, calendar, limits });
    try {
      const after = await app.db.transaction().execute(async (trx) => {
        const entries: AuditEntry[] = [];
        const updated = await persistTransition(trx, (entry) => entries.push(entry), { row, action: 'resume', to: decision.to, effect, actor: systemActor, at: new Date(now), note: '挂账到期，自动恢复' });
        await writeAudit(trx, systemAudit, entries);
        return updated;
      });
      app.realtime.publish({ type: 'event.changed', divisionCode: after.division_code, data: { id, code: after.code, action: 'resume', state: after.state } });
      resumed++;
    } catch (error) {
      // Someone resumed or changed it by hand meanwhile (version conflict): nothing left to do for it.
      if ((error as { code?: string }).code !== 'CONFLICT') throw error;
    }
  }
  return resumed;
}
