import crypto from 'node:crypto';
import type { OutreachProvider } from './provider.ts';
import { isAnswer, post, retryableStatus } from './http-post.ts';
import { redactError } from './provider.ts';

/**
 * A generic HTTP gateway: each message is one JSON POST to a URL the deployment names, for an SMS
 * gateway, a 114 call-center system or a bridge to any vendor.
 *
 *   POST <OUTREACH_WEBHOOK_URL>
 *   Content-Type: application/json
 *   Idempotency-Key: <key>                      the same on every attempt of one message
 *   X-Gongzhi-Timestamp: <unix seconds>
 *   X-Gongzhi-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
 *   {"id": "<key>", "channel": "sms" | "voice", "to": "13800000000", "text": "…", "templateCode": null, "params": {…}}
 *
 * 2xx = accepted (an optional JSON `{"messageId": "…"}` is kept); 408, 429 and 5xx are retried with
 * backoff; other statuses fail the message. Receivers must deduplicate on Idempotency-Key: a message
 * whose answer never came is sent again with the same key. Receivers check the signature with the
 * shared secret and reject timestamps more than five minutes old. Delivery receipts come back signed
 * the same way to POST /api/outreach/receipts/webhook.
 */
export const signatureHeader = 'x-gongzhi-signature';
export const timestampHeader = 'x-gongzhi-timestamp';

export function webhookSignature(secret: string, timestamp: string, rawBody: string): string {
  return `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

/** A signed request is genuine and fresh (five minutes either way). Constant-time comparison. */
export function verifyWebhookSignature(secret: string, timestamp: string | undefined, signature: string | undefined, rawBody: string, now: number): boolean {
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now / 1000 - Number(timestamp)) > 300) return false;
  const expected = Buffer.from(webhookSignature(secret, timestamp, rawBody));
  const given = Buffer.from(signature);
  return expected.length === given.length && crypto.timingSafeEqual(expected, given);
}

export function webhookProvider(options: { url: string; secret: string; now?: () => number }): OutreachProvider {
  const now = options.now ?? Date.now;
  return {
    name: 'webhook',
    channels: ['sms', 'voice'],
    idempotent: true,
    async send(message, signal) {
      const body = JSON.stringify({ id: message.idempotencyKey, channel: message.channel, to: message.to, text: message.text, templateCode: message.templateCode, params: message.params });
      const timestamp = String(Math.floor(now() / 1000));
      const answer = await post(
        options.url,
        body,
        {
          'content-type': 'application/json',
          'idempotency-key': message.idempotencyKey,
          [timestampHeader]: timestamp,
          [signatureHeader]: webhookSignature(options.secret, timestamp, body),
        },
        signal,
      );
      if (!isAnswer(answer)) return answer;
      if (answer.status >= 200 && answer.status < 300) return { outcome: 'sent', providerMessageId: messageIdOf(answer.body) };
      return { outcome: 'failed', retryable: retryableStatus(answer.status), error: redactError(`HTTP ${answer.status} ${answer.body}`) };
    },
  };
}

function messageIdOf(body: string): string | null {
  try {
    const id = (JSON.parse(body) as { messageId?: unknown }).messageId;
    return typeof id === 'string' ? id.slice(0, 128) : null;
  } catch {
    return null;
  }
}
