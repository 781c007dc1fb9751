/**
 * Chinese motor-vehicle plates (GA 36-2018): a province abbreviation, the issuing office's letter, then
 *
 * - ordinary plates: five letters or digits, the last may be 挂 学 警 港 澳 领 试 超 (浙B12345, 浙B1234学);
 * - small new-energy plates: A–K for the energy kind (D/A/B/C/E pure electric, F/G/H/J/K other), a
 *   letter or digit, four digits (浙BD12345, 浙AF1A234 is not one: the last four are digits);
 * - large new-energy plates: five digits, then D or F (浙B12345D).
 *
 * Letters never include I or O (they read as 1 and 0). Stored without separators, upper case.
 */
const provinces = '京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼';
const letter = 'A-HJ-NP-Z';
const ordinary = new RegExp(`^[${provinces}][${letter}][${letter}0-9]{4}(?:[${letter}0-9]|[挂学警港澳领试超])$`);
const smallNewEnergy = new RegExp(`^[${provinces}][${letter}][A-HJK][${letter}0-9]\\d{4}$`);
const largeNewEnergy = new RegExp(`^[${provinces}][${letter}]\\d{5}[DF]$`);

/** As the video AI or a person writes it: 浙B·12345, 浙b 12345, full-width ＢＤ → 浙B12345, 浙BD12345. */
export function normalisePlate(raw: string): string {
  return raw.normalize('NFKC').replace(/[\s·•.\-_]/g, '').toUpperCase();
}

export type PlateKind = 'ordinary' | 'new_energy';

export function parsePlate(raw: string): { ok: true; value: string; kind: PlateKind } | { ok: false; code: 'PLATE_FORMAT' } {
  const value = normalisePlate(raw);
  if (smallNewEnergy.test(value) || largeNewEnergy.test(value)) return { ok: true, value, kind: 'new_energy' };
  if (ordinary.test(value)) return { ok: true, value, kind: 'ordinary' };
  return { ok: false, code: 'PLATE_FORMAT' };
}
