import type { FastifyInstance } from 'fastify';
import { runPeriodically } from '../../lib/periodic.ts';
import { FieldCipher } from '../../privacy/field-cipher.ts';
import { loadDataKey } from '../../privacy/data-key.ts';
import { beforeDispatch } from '../events/event-workflow.ts';
import { eventsRepo } from '../events/events.repo.ts';
import { recheck, systemContext } from './reminder.service.ts';
import { outreachRepo } from './outreach.repo.ts';

const batch = 100;

export interface ReminderScheduler {
  /** One pass now; resolves with how many reminders it settled. */
  tick(): Promise<number>;
  stop(): Promise<void>;
}

/**
 * Settles reminders nobody re-checked: when the grace period is over the event is escalated to law
 * enforcement, exactly as a "not complied" re-check would do. Reminders whose event went on by the
 * normal workflow (dispatched, closed, cancelled by hand) are settled as superseded. Everything it needs
 * is in the database, so the first pass after a restart catches up.
 */
export function startReminderScheduler(app: FastifyInstance, options: { intervalMs?: number; now?: () => number } = {}): ReminderScheduler {
  const now = options.now ?? Date.now;
  const cipher = new FieldCipher(loadDataKey(app.config, app.log));
  return runPeriodically(app.log, 'settling outreach reminders failed', options.intervalMs ?? 30_000, () => settleDue(app, cipher, now()));
}

async function settleDue(app: FastifyInstance, cipher: FieldCipher, now: number): Promise<number> {
  let settled = 0;
  const at = new Date(now);
  const context = systemContext(app, cipher, now, 'outreach-scheduler');
  for (const reminder of await outreachRepo.overtakenReminders(app.db, beforeDispatch, batch)) {
    const done = await context.run(async (trx, audit) => {
      if (!(await outreachRepo.resolveReminder(trx, reminder.id, 'superseded', 'workflow', at))) return false;
      audit({ action: 'outreach:reminder:recheck', entityType: 'outreach_reminder', entityId: reminder.id, before: { status: 'awaiting' }, after: { status: 'superseded', resolved_source: 'workflow' } });
      return true;
    });
    if (done) settled++;
  }
  for (const due of await outreachRepo.dueReminders(app.db, at, batch)) {
    try {
      await recheck(context, await eventsRepo.findById(app.db, due.event_id), { complied: false, source: 'deadline' });
      settled++;
    } catch (error) {
      // A person re-checked or acted on the event meanwhile: their step stands.
      const code = (error as { code?: string }).code;
      if (code !== 'CONFLICT' && code !== 'OUTREACH_NO_PENDING_REMINDER' && code !== 'ILLEGAL_TRANSITION') throw error;
    }
  }
  return settled;
}
