/**
 * Unified social credit codes (GB 32100-2015): registration authority (1) + organisation category (1)
 * + region (6) + organisation code (9) + check character (1), over a 31-character alphabet without
 * I, O, S, V and Z. The check character makes the weighted sum a multiple of 31.
 */
export type CreditCodeProblem = 'CREDIT_CODE_FORMAT' | 'CREDIT_CODE_CHECK_DIGIT';

const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const shape = /^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/;

export function creditCodeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += alphabet.indexOf(first17[i]!) * weights[i]!;
  return alphabet[(31 - (sum % 31)) % 31]!;
}

export function parseCreditCode(raw: string): { ok: true; value: string } | { ok: false; code: CreditCodeProblem } {
  const value = raw.replace(/\s+/g, '').toUpperCase();
  if (!shape.test(value)) return { ok: false, code: 'CREDIT_CODE_FORMAT' };
  if (creditCodeCheckCharacter(value) !== value[17]) return { ok: false, code: 'CREDIT_CODE_CHECK_DIGIT' };
  return { ok: true, value };
}
