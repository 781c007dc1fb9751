/** Every time on screen is Beijing time, whatever the browser's own time zone. */
const shanghai = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Asia/Shanghai',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

function parts(value: Date): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of shanghai.formatToParts(value)) out[part.type] = part.value;
  return out;
}

/** `YYYY-MM-DD HH:mm:ss` in Asia/Shanghai; an em dash for no value. */
export function formatDateTime(value: string | Date | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return String(value);
  const p = parts(date);
  return `${p.year}-${p.month}-${p.day} ${p.hour}:${p.minute}:${p.second}`;
}

/** `YYYY-MM-DD` in Asia/Shanghai. */
export function formatDate(value: Date): string {
  return formatDateTime(value).slice(0, 10);
}

/** The hour of day (0–23) in Asia/Shanghai. */
export function shanghaiHour(value: Date): number {
  return Number(parts(value).hour);
}
