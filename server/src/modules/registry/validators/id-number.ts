/**
 * Resident identity card numbers (GB 11643-1999): 6-digit region (GB/T 2260) + 8-digit birth date +
 * 3-digit sequence (odd: male, even: female) + ISO 7064 MOD 11-2 check character (0-9 or X).
 */
export type IdNumberProblem = 'ID_NUMBER_FORMAT' | 'ID_NUMBER_REGION' | 'ID_NUMBER_BIRTH_DATE' | 'ID_NUMBER_CHECK_DIGIT';
export interface IdNumber {
  value: string;
  gender: 'M' | 'F';
  /** YYYY-MM-DD */
  birthDate: string;
}

const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const checkCharacters = '10X98765432';
/** Province-level prefixes of GB/T 2260, plus 71/81/82/83 (Taiwan, Hong Kong, Macao residence permits). */
const provinces = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37',
  '41', '42', '43', '44', '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65',
  '71', '81', '82', '83',
]);

export function idNumberCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * weights[i]!;
  return checkCharacters[sum % 11]!;
}

/** Spaces dropped, a lower-case x made upper-case: the form that is validated, indexed and stored. */
export function normaliseIdNumber(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

export function parseIdNumber(raw: string, today = new Date()): { ok: true; id: IdNumber } | { ok: false; code: IdNumberProblem } {
  const value = normaliseIdNumber(raw);
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, code: 'ID_NUMBER_FORMAT' };
  if (!provinces.has(value.slice(0, 2)) || value.slice(2, 6) === '0000') return { ok: false, code: 'ID_NUMBER_REGION' };
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const birth = new Date(Date.UTC(year, month - 1, day));
  const isRealDate = birth.getUTCFullYear() === year && birth.getUTCMonth() === month - 1 && birth.getUTCDate() === day;
  if (!isRealDate || year < 1900 || birth.getTime() > today.getTime()) return { ok: false, code: 'ID_NUMBER_BIRTH_DATE' };
  if (idNumberCheckCharacter(value) !== value[17]) return { ok: false, code: 'ID_NUMBER_CHECK_DIGIT' };
  return {
    ok: true,
    id: { value, gender: Number(value[16]) % 2 === 1 ? 'M' : 'F', birthDate: `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}` },
  };
}
