import type { OutreachProvider } from './provider.ts';

/**
 * The default: every message stays recorded in the outbox and nothing leaves the server. Messages are
 * marked sent by "outbox", so the whole flow (quiet hours, limits, re-checks) runs for real in a demo or
 * a deployment without a gateway yet.
 */
export const outboxProvider: OutreachProvider = {
  name: 'outbox',
  channels: ['sms', 'voice'],
  idempotent: true,
  async send() {
    return { outcome: 'sent', providerMessageId: null };
  },
};
