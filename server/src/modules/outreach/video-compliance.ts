import type { FastifyInstance } from 'fastify';
import type { ComplianceObservation, ComplianceSink } from '../video/video-events.ts';
import { eventsRepo } from '../events/events.repo.ts';
import { outreachRepo } from './outreach.repo.ts';
import { recheck, remind, systemContext } from './reminder.service.ts';

/**
 * 视频AI + 114: what the cameras see drives the reminder. A reminder-first event gets its polite
 * reminder as soon as it opens; while the reminder waits, the object leaving settles it as complied
 * (the event closes), and the object still there once the grace period is over settles it as not
 * complied (the event goes to law enforcement). Observations of events without a waiting reminder stay
 * notes on the timeline (`fallback`). Refusals (no party found, quiet hours…) are recorded by the
 * reminder service itself and never break the video intake.
 */
export function videoComplianceSink(app: FastifyInstance, fallback: ComplianceSink): ComplianceSink {
  const context = () => systemContext(app, app.privacy, Date.now(), 'video-outreach');
  const attempt = async (what: string, eventId: number, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      app.log.info({ err: error, eventId }, `video reminder: ${what} not done`);
    }
  };
  const settle = async (o: ComplianceObservation, stillThere: boolean) => {
    const reminder = await outreachRepo.awaitingReminder(app.db, o.eventId);
    if (!reminder) return stillThere ? fallback.objectStillThere(o) : fallback.objectGone(o);
    // Still there within the grace period decides nothing yet.
    const graceOver = reminder.recheck_due_at !== null && reminder.recheck_due_at <= o.at;
    if (stillThere && !graceOver) return fallback.objectStillThere(o);
    const row = await eventsRepo.findById(app.db, o.eventId);
    await attempt('re-check', o.eventId, () => recheck(context(), row, { complied: !stillThere, source: 'detection' }));
  };
  return {
    eventOpened: (eventId) => attempt('reminder', eventId, async () => remind(context(), await eventsRepo.findById(app.db, eventId), {})),
    objectStillThere: (o) => settle(o, true),
    objectGone: (o) => settle(o, false),
  };
}
