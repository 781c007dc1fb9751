/** What lists, details, exports and audit records show instead of personal data. */

/** 330203********1234: the region and the last four stay, enough to tell people apart on a list. */
export function maskIdNumber(value: string): string {
  if (value.length <= 10) return '*'.repeat(value.length);
  return `${value.slice(0, 6)}${'*'.repeat(value.length - 10)}${value.slice(-4)}`;
}

/** Mobile 138****5678; landline 0574****4321 (area code and last four). */
export function maskPhone(value: string): string {
  if (/^1\d{10}$/.test(value)) return `${value.slice(0, 3)}****${value.slice(-4)}`;
  const area = /^0(10|2\d|[3-9]\d{2})/.exec(value)?.[0] ?? value.slice(0, 3);
  if (value.length <= area.length + 4) return '*'.repeat(value.length);
  return `${area}****${value.slice(-4)}`;
}

/** z***@example.com: the first letter and the domain stay. */
export function maskEmail(value: string): string {
  const at = value.lastIndexOf('@');
  return at < 1 ? '*'.repeat(value.length) : `${value[0]}***${value.slice(at)}`;
}

const mobileInText = /(?<!\d)1[3-9]\d{9}(?!\d)/g;
const idNumberInText = /(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])/g;

/** Free text published beyond staff (e.g. Open311): mobile and ID numbers a reporter typed in, masked. */
export function maskPersonalDataInText(text: string): string {
  return text.replace(idNumberInText, maskIdNumber).replace(mobileInText, maskPhone);
}
