/**
 * Mainland phone numbers: mobiles 1[3-9] + 9 digits (optionally +86 / 0086 before), landlines a
 * trunk-prefixed area code (010, 02x, 0xxx) + 7–8 digits, with or without a hyphen. Stored and
 * indexed as digits only, so "0574-8765 4321" and "057487654321" are the same number.
 */
export function parsePhone(raw: string): { ok: true; value: string } | { ok: false; code: 'PHONE_FORMAT' } {
  const compact = raw.replace(/[\s()-]/g, '');
  const mobile = /^(?:\+?86|0086)?(1[3-9]\d{9})$/.exec(compact);
  if (mobile) return { ok: true, value: mobile[1]! };
  if (/^0(?:10|2\d|[3-9]\d{2})\d{7,8}$/.test(compact) && compact.length <= 12) return { ok: true, value: compact };
  return { ok: false, code: 'PHONE_FORMAT' };
}
