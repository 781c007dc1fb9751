import crypto from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { FieldCipher } from '../../privacy/field-cipher.ts';
import { writeAudit } from '../../audit/audit.ts';
import { channels } from './outreach.tables.ts';
import { channelOpen, retryDelay } from './delivery-rules.ts';
import { loadSettings } from './settings.ts';
import { outreachRepo, type MessageRow } from './outreach.repo.ts';
import type { DeliveryConfig } from './providers/provider-config.ts';
import type { SendResult } from './providers/provider.ts';
import { redactError } from './providers/provider.ts';

const systemAudit = { actorType: 'system' as const, actorId: null, actorName: 'outreach-worker', ip: null, userAgent: null, requestId: null };
/** Messages per pass, sent in parallel so that the whole pass fits in one send timeout. */
const batch = 10;
/** A claim outlives the send timeout by this much before another worker may take the message back. */
const leaseMargin = 30_000;

export interface OutboxWorkerOptions {
  db: Kysely<DB>;
  cipher: FieldCipher;
  delivery: DeliveryConfig;
  /** The clock for quiet hours, backoff and leases (tests move it). Send timeouts run on real time. */
  now?: () => number;
}

type Settlement = Parameters<typeof outreachRepo.settle>[3];

/**
 * Sends the outbox. Everything it needs is in the database, so any number of workers (one per server
 * process) can run and a restart loses nothing:
 * - a pass claims due messages atomically (each row goes to one worker, with a lease), then calls the
 *   providers outside any transaction, each call bounded by the send timeout;
 * - a failure is retried with exponential backoff up to the attempt limit; a call without an answer is
 *   retried only on a provider that deduplicates by idempotency key, never on one that does not;
 * - a claim whose worker died is taken back after its lease: queued again for a deduplicating
 *   provider, failed as "interrupted" otherwise (a second copy is worse than none);
 * - channels inside quiet hours are not claimed at all; opt-outs are checked again before sending.
 */
export class OutboxWorker {
  private readonly now: () => number;
  private running: Promise<number> | null = null;

  constructor(private readonly options: OutboxWorkerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** One pass now (or the one already running); resolves with how many messages it settled. */
  tick(): Promise<number> {
    this.running ??= this.pass().finally(() => (this.running = null));
    return this.running;
  }

  private async pass(): Promise<number> {
    const { db, delivery } = this.options;
    let settled = await this.recoverExpiredClaims();
    const now = this.now();
    const settings = await loadSettings(db);
    const open = channels.filter((channel) => channelOpen(channel, now, settings.quietHours));
    const token = crypto.randomUUID();
    const claimed = await outreachRepo.claim(db, {
      now: new Date(now),
      channels: open,
      limit: batch,
      token,
      leaseUntil: new Date(now + delivery.sendTimeoutMs + leaseMargin),
      providers: { sms: delivery.providers.sms.name, voice: delivery.providers.voice.name },
    });
    if (claimed.length === 0) return settled;
    const optedOut = new Set((await outreachRepo.optedOutAmong(db, [...new Set(claimed.map((m) => m.recipient_idx))])).map((o) => o.phone_idx));
    const results = await Promise.all(
      claimed.map(async (message): Promise<[MessageRow, Settlement]> => {
        if (optedOut.has(message.recipient_idx)) return [message, { status: 'skipped', reason: 'opted_out', updated_at: new Date(this.now()) }];
        return [message, this.settlementOf(message, await this.send(message))];
      }),
    );
    for (const [message, patch] of results) if (await this.record(message.id, token, patch)) settled++;
    return settled;
  }

  private async send(message: MessageRow): Promise<SendResult> {
    const provider = this.options.delivery.providers[message.channel];
    try {
      const to = this.options.cipher.decrypt(message.recipient_enc);
      return await provider.send(
        { idempotencyKey: message.idempotency_key, channel: message.channel, to, text: message.body, templateCode: message.template_code, params: message.params },
        AbortSignal.timeout(this.options.delivery.sendTimeoutMs),
      );
    } catch (error) {
      // A provider bug, not a provider answer: the request may have gone out.
      return { outcome: 'unknown', error: redactError(error instanceof Error ? error.message : String(error)) };
    }
  }

  private settlementOf(message: MessageRow, result: SendResult): Settlement {
    const now = this.now();
    const at = new Date(now);
    if (result.outcome === 'sent') return { status: 'sent', sent_at: at, provider_message_id: result.providerMessageId, reason: null, last_error: null, updated_at: at };
    const provider = this.options.delivery.providers[message.channel];
    if (result.outcome === 'failed' && !result.retryable) return { status: 'failed', reason: 'permanent', last_error: result.error, updated_at: at };
    if (result.outcome === 'unknown' && !provider.idempotent) return { status: 'failed', reason: 'outcome_unknown', last_error: result.error, updated_at: at };
    const { retry } = this.options.delivery;
    if (message.attempts >= retry.maxAttempts) return { status: 'failed', reason: 'max_attempts', last_error: result.error, updated_at: at };
    return { status: 'queued', next_attempt_at: new Date(now + retryDelay(message.attempts, retry)), last_error: result.error, updated_at: at };
  }

  /** The result and its audit record together; false when the claim was lost (nothing written). */
  private async record(id: number, token: string, patch: Settlement): Promise<boolean> {
    return this.options.db.transaction().execute(async (trx) => {
      const row = await outreachRepo.settle(trx, id, token, patch);
      if (!row) return false;
      await writeAudit(trx, systemAudit, [
        { action: 'outreach:message:deliver', entityType: 'outreach_message', entityId: id, divisionCode: row.division_code, after: { status: row.status, reason: row.reason, attempts: row.attempts, provider: row.provider } },
      ]);
      return true;
    });
  }

  private async recoverExpiredClaims(): Promise<number> {
    const now = this.now();
    const idempotent = new Set(['outbox', ...Object.values(this.options.delivery.providers).filter((p) => p.idempotent).map((p) => p.name)]);
    let recovered = 0;
    for (const claim of await outreachRepo.expiredClaims(this.options.db, new Date(now), 100)) {
      const at = new Date(now);
      const patch: Settlement = idempotent.has(claim.provider ?? '')
        ? { status: 'queued', next_attempt_at: at, last_error: 'worker stopped mid-send; sending again with the same idempotency key', updated_at: at }
        : { status: 'failed', reason: 'interrupted', last_error: 'worker stopped mid-send; not sent again (the provider does not deduplicate)', updated_at: at };
      if (await this.record(claim.id, claim.claim_token!, patch)) recovered++;
    }
    return recovered;
  }
}
