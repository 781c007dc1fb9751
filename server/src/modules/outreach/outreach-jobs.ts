import type { FastifyInstance } from 'fastify';
import { FieldCipher } from '../../privacy/field-cipher.ts';
import { loadDataKey } from '../../privacy/data-key.ts';
import { runPeriodically } from '../../lib/periodic.ts';
import { OutboxWorker } from './outbox-worker.ts';
import { startReminderScheduler } from './reminder-scheduler.ts';
import { deliveryConfigFromEnv } from './providers/provider-config.ts';

/**
 * The background side of outreach in a serving process: the delivery worker sending the outbox and
 * the scheduler settling reminders nobody re-checked. Provider settings come from the environment and
 * are checked here, so a misconfiguration stops the server at start rather than at the first message.
 * (The field cipher is made here too: the app's own lives inside the module routes' scope.)
 */
export function startOutreach(app: FastifyInstance) {
  const delivery = deliveryConfigFromEnv();
  const cipher = new FieldCipher(loadDataKey(app.config, app.log));
  const worker = new OutboxWorker({ db: app.db, cipher, delivery });
  const sending = runPeriodically(app.log, 'outreach delivery failed', delivery.pollMs, () => worker.tick());
  const scheduler = startReminderScheduler(app);
  app.log.info({ sms: delivery.providers.sms.name, voice: delivery.providers.voice.name }, 'outreach providers');
  return {
    async stop() {
      await Promise.all([sending.stop(), scheduler.stop()]);
    },
  };
}
