import type { FastifyRequest } from 'fastify';
import { Value } from 'typebox/value';
import { AppError } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { signatureHeader, timestampHeader, verifyWebhookSignature } from './providers/webhook-provider.ts';
import { outreachRepo } from './outreach.repo.ts';
import { WebhookReceipt } from './outreach.schema.ts';

/**
 * A delivery receipt from the webhook gateway, signed like our requests to it:
 * `{"id": "<idempotency key>", "status": "delivered" | "failed", "reason": "…"}`. A receipt for a
 * message that is not (or no longer) "sent" changes nothing and is still acknowledged, so gateways do
 * not retry it forever.
 */
export async function webhookReceipt(request: FastifyRequest, rawBody: string, secret: string | null) {
  const header = (name: string) => {
    const value = request.headers[name];
    return typeof value === 'string' ? value : undefined;
  };
  if (!secret || !verifyWebhookSignature(secret, header(timestampHeader), header(signatureHeader), rawBody, Date.now())) throw new AppError('OUTREACH_RECEIPT_REJECTED', 401);
  let receipt: unknown;
  try {
    receipt = JSON.parse(rawBody);
  } catch {
    throw new AppError('MALFORMED_JSON', 400);
  }
  if (!Value.Check(WebhookReceipt, receipt)) throw new AppError('VALIDATION_FAILED', 400);
  const { id, status, reason } = receipt;
  await runCommand(request, async (trx, audit) => {
    const row = await outreachRepo.receipt(trx, id, status, reason ?? null, new Date());
    if (row) audit({ action: 'outreach:message:deliver', entityType: 'outreach_message', entityId: row.id, divisionCode: row.division_code, after: { status: row.status, receipt: true } });
  });
  // Nothing to record is a valid answer too (a repeated or late receipt).
  request.audited = true;
  return { ok: true };
}
