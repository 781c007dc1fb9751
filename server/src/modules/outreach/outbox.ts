import crypto from 'node:crypto';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { FieldCipher } from '../../privacy/field-cipher.ts';
import { maskPhone } from '../../privacy/masking.ts';
import { nextOpening } from './delivery-rules.ts';
import type { OutreachSettings } from './settings.ts';
import type { Channel, MessageStatus } from './outreach.tables.ts';
import { outreachRepo } from './outreach.repo.ts';

/** A message to write to the outbox; `recipient` is the plain number, encrypted on the way in. */
export interface NewMessage {
  channel: Channel;
  recipient: string;
  body: string;
  templateId: number | null;
  templateCode: string | null;
  params: Record<string, string>;
  divisionCode: string;
  eventId: number | null;
  reminderId: number | null;
}

export interface QueuedMessage {
  id: number;
  channel: Channel;
  status: MessageStatus;
  reason: string | null;
  nextAttemptAt: Date;
}

/**
 * Writes messages to the outbox inside the caller's transaction, nothing more: no network here. Each
 * message is queued for the first moment its channel may go out (quiet hours), or recorded as skipped
 * when the recipient opted out or has had the most messages the rate limit allows.
 */
export async function enqueueMessages(trx: Transaction<DB>, cipher: FieldCipher, settings: OutreachSettings, messages: NewMessage[], now: number): Promise<QueuedMessage[]> {
  const rows = [];
  const since = new Date(now - settings.rateLimit.windowHours * 3_600_000);
  const counted = new Map<string, number>();
  for (const message of messages) {
    const index = cipher.blindIndex('phone', message.recipient);
    if (!counted.has(index)) {
      await outreachRepo.lockRecipient(trx, index);
      counted.set(index, await outreachRepo.recentCount(trx, index, since));
    }
    let status: MessageStatus = 'queued';
    let reason: string | null = null;
    if (await outreachRepo.optedOut(trx, index)) [status, reason] = ['skipped', 'opted_out'];
    else if (counted.get(index)! >= settings.rateLimit.maxMessages) [status, reason] = ['skipped', 'rate_limited'];
    else counted.set(index, counted.get(index)! + 1);
    rows.push({
      reminder_id: message.reminderId,
      event_id: message.eventId,
      division_code: message.divisionCode,
      channel: message.channel,
      template_id: message.templateId,
      body: message.body,
      template_code: message.templateCode,
      params: JSON.stringify(message.params),
      recipient_enc: cipher.encrypt(message.recipient),
      recipient_idx: index,
      recipient_masked: maskPhone(message.recipient),
      status,
      reason,
      idempotency_key: `gz-${crypto.randomUUID()}`,
      next_attempt_at: new Date(nextOpening(message.channel, now, settings.quietHours)),
      created_at: new Date(now),
      updated_at: new Date(now),
    });
  }
  if (rows.length === 0) return [];
  const inserted = await outreachRepo.insertMessages(trx, rows);
  return inserted.map((m) => ({ id: m.id, channel: m.channel, status: m.status, reason: m.reason, nextAttemptAt: m.next_attempt_at }));
}
