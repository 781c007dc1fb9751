import type { FieldError } from '../../../http/errors.ts';
import type { WorkPeriod } from '../work-calendar.ts';

/** Working periods as officials write them: "08:30"–"12:00". */
export interface PeriodText {
  start: string;
  end: string;
}

export const clockPattern = '^([01][0-9]|2[0-3]):[0-5][0-9]$';

function minutesOf(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number);
  return hours! * 60 + minutes!;
}

export function toWorkPeriods(periods: readonly PeriodText[]): WorkPeriod[] {
  return periods.map((p) => ({ start: minutesOf(p.start), end: minutesOf(p.end) }));
}

/** Each period must end after it starts, and periods must follow each other without overlapping. */
export function checkWorkPeriods(periods: readonly PeriodText[]): FieldError[] {
  const errors: FieldError[] = [];
  toWorkPeriods(periods).forEach((period, i, all) => {
    if (period.end <= period.start) errors.push({ field: `/workPeriods/${i}/end`, code: 'periodEmpty' });
    const previous = all[i - 1];
    if (previous && period.start < previous.end) errors.push({ field: `/workPeriods/${i}/start`, code: 'periodOrder' });
  });
  return errors;
}

export type DayKind = 'holiday' | 'workday';

export interface CalendarDay {
  date: string;
  kind: DayKind;
  name: string;
}

/** 放假/休 or holiday = a day off; 上班/班 or workday = a 调休 make-up working day. */
const kindWords: Record<string, DayKind> = { 放假: 'holiday', 休: 'holiday', 休息: 'holiday', holiday: 'holiday', 上班: 'workday', 班: 'workday', 补班: 'workday', workday: 'workday' };

export function parseDayKind(text: string): DayKind | null {
  return kindWords[text.trim().toLowerCase()] ?? null;
}

/** YYYY-MM-DD or YYYY/M/D, and a real calendar date; null otherwise. */
export function parseDate(text: string): string | null {
  const match = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})$/.exec(text.trim());
  if (!match) return null;
  const date = `${match[1]}-${match[2]!.padStart(2, '0')}-${match[3]!.padStart(2, '0')}`;
  const parsed = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(date) ? date : null;
}

export function isWeekend(date: string): boolean {
  const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
  return weekday === 0 || weekday === 6;
}

/**
 * A make-up working day on a weekday changes nothing and almost always means the kind column was
 * swapped, so it is refused.
 */
export function checkDay(day: CalendarDay, field: string): FieldError | null {
  return day.kind === 'workday' && !isWeekend(day.date) ? { field, code: 'workdayNotWeekend' } : null;
}

export interface DayRow {
  /** The spreadsheet row number, for the report. */
  row: number;
  date: string;
  kind: string;
  name: string;
}

/** The rows of a year's holiday file: every error is reported, one per cell, with the row number. */
export function checkYearRows(rows: readonly DayRow[], year: number): { days: CalendarDay[]; errors: FieldError[] } {
  const days: CalendarDay[] = [];
  const errors: FieldError[] = [];
  const seen = new Map<string, number>();
  for (const row of rows) {
    const at = (column: string) => `/rows/${row.row}/${column}`;
    const date = parseDate(row.date);
    const kind = parseDayKind(row.kind);
    if (!date) errors.push({ field: at('date'), code: 'date' });
    else if (!date.startsWith(`${year}-`)) errors.push({ field: at('date'), code: 'yearMismatch', params: { year } });
    else if (seen.has(date)) errors.push({ field: at('date'), code: 'duplicateRow', params: { row: seen.get(date)! } });
    if (!kind) errors.push({ field: at('kind'), code: 'enum', params: { allowed: '放假, 上班, holiday, workday' } });
    if (row.name.length > 32) errors.push({ field: at('name'), code: 'maxLength', params: { limit: 32 } });
    if (!date || !kind || !date.startsWith(`${year}-`) || seen.has(date)) continue;
    seen.set(date, row.row);
    const day = { date, kind, name: row.name };
    const problem = checkDay(day, at('kind'));
    if (problem) errors.push(problem);
    else days.push(day);
  }
  return { days, errors };
}
