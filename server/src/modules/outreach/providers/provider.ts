import type { Channel } from '../outreach.tables.ts';

/** One message as a provider receives it: the only place the phone number is in plain text. */
export interface OutgoingMessage {
  /** Unique per message; the same on every attempt. */
  idempotencyKey: string;
  channel: Channel;
  to: string;
  /** The rendered text (SMS body, or what a voice call reads out). */
  text: string;
  /** The provider's approved template, for providers that send templates rather than text. */
  templateCode: string | null;
  /** The template's values, for those providers. */
  params: Record<string, string>;
}

/**
 * sent: the provider accepted it · failed + retryable: it certainly did not go out and may be tried
 * again (connection refused, throttled, provider busy) · failed + permanent: trying again cannot help
 * (bad number, bad credentials, unapproved template) · unknown: no answer in time, it may or may not
 * have gone out.
 */
export type SendResult =
  | { outcome: 'sent'; providerMessageId: string | null }
  | { outcome: 'failed'; retryable: boolean; error: string }
  | { outcome: 'unknown'; error: string };

/** SMS and voice calls behind one interface; the worker picks the provider configured for the channel. */
export interface OutreachProvider {
  readonly name: string;
  readonly channels: readonly Channel[];
  /**
   * Whether sending the same idempotency key again is harmless (the receiver deduplicates). Only then
   * does the worker retry after an unknown outcome; otherwise such a message fails as outcome_unknown,
   * because a second copy is worse than none.
   */
  readonly idempotent: boolean;
  /** Must settle by the time `signal` aborts. Never logs or returns the number or any secret. */
  send(message: OutgoingMessage, signal: AbortSignal): Promise<SendResult>;
}

/** Provider error texts are stored and shown: keep them short and free of anything that looks like a phone number. */
export function redactError(text: string): string {
  return text
    .split(/[\r\n]/)[0]!
    .replace(/\d{5,}/g, (digits) => `${digits.slice(0, 2)}***`)
    .slice(0, 200);
}
