import { maskPhone } from '../../../privacy/masking.ts';
import type { BuildContext, FieldIssue } from '../record-kind.ts';
import { parsePhone } from '../validators/phone.ts';

/** A phone field → encrypted value, blind index and masked form (all null when the phone is cleared). */
export function encryptPhone(input: unknown, ctx: BuildContext, values: Record<string, unknown>, issues: FieldIssue[]) {
  if (input === undefined) return;
  if (input === null || (typeof input === 'string' && input.trim() === '')) {
    Object.assign(values, { phone_enc: null, phone_idx: null, phone_masked: null });
    return;
  }
  const parsed = parsePhone(String(input));
  if (!parsed.ok) {
    issues.push({ field: 'phone', code: parsed.code });
    return;
  }
  values.phone_enc = ctx.cipher.encrypt(parsed.value);
  values.phone_idx = ctx.cipher.blindIndex('phone', parsed.value);
  values.phone_masked = maskPhone(parsed.value);
}
