/**
 * Deadline arithmetic on a work calendar, in Asia/Shanghai local time (UTC+8 all year: China has no
 * daylight saving), so local dates are plain offsets of UTC instants.
 *
 * Time-limit units (立结案标准):
 * - urgent_hour 紧急工作时: natural hours, through nights, weekends and holidays;
 * - work_hour 工作时: only the configured working periods of working days count;
 * - work_day 工作日: the deadline is the end of the N-th working day after the start day (the day an
 *   event arrives does not count, as in the 12345 rules "N 个工作日内办结");
 * - natural_day 自然日: N × 24 hours.
 */
export type LimitUnit = 'urgent_hour' | 'work_hour' | 'work_day' | 'natural_day';
export const limitUnits: readonly LimitUnit[] = ['urgent_hour', 'work_hour', 'work_day', 'natural_day'];

export interface WorkPeriod {
  /** Minutes after local midnight. */
  start: number;
  end: number;
}

export interface WorkCalendar {
  /** Sorted, non-overlapping working periods of a working day, e.g. 08:30–12:00 and 13:30–17:30. */
  periods: readonly WorkPeriod[];
  /** Local dates (YYYY-MM-DD) that are days off although weekdays: statutory holidays. */
  holidays: ReadonlySet<string>;
  /** Local dates that are working days although weekends: 调休 make-up days. */
  workdays: ReadonlySet<string>;
}

const hour = 3_600_000;
const day = 24 * hour;
const shanghaiOffset = 8 * hour;
/** A search that finds no working time within ten years means the calendar has none. */
const maxDays = 3660;

/** The local (Asia/Shanghai) date of an instant, as YYYY-MM-DD. */
export function localDate(instant: number): string {
  return new Date(instant + shanghaiOffset).toISOString().slice(0, 10);
}

/** The instant of local midnight starting the local day that contains `instant`. */
function localMidnight(instant: number): number {
  return Math.floor((instant + shanghaiOffset) / day) * day - shanghaiOffset;
}

export function isWorkingDay(calendar: WorkCalendar, midnight: number): boolean {
  const date = localDate(midnight);
  if (calendar.workdays.has(date)) return true;
  if (calendar.holidays.has(date)) return false;
  const weekday = new Date(midnight + shanghaiOffset).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

function periodsOf(calendar: WorkCalendar, midnight: number): [number, number][] {
  if (!isWorkingDay(calendar, midnight)) return [];
  return calendar.periods.map((p) => [midnight + p.start * 60_000, midnight + p.end * 60_000]);
}

/** Working time (ms) between two instants. */
export function workingMillisBetween(calendar: WorkCalendar, from: number, to: number): number {
  if (to <= from) return 0;
  let total = 0;
  for (let midnight = localMidnight(from); midnight < to; midnight += day) {
    for (const [start, end] of periodsOf(calendar, midnight)) {
      const overlap = Math.min(end, to) - Math.max(start, from);
      if (overlap > 0) total += overlap;
    }
  }
  return total;
}

/** The instant when `amount` ms of working time have passed after `from`. */
export function addWorkingMillis(calendar: WorkCalendar, from: number, amount: number): number {
  let remaining = amount;
  const firstMidnight = localMidnight(from);
  for (let i = 0, midnight = firstMidnight; i < maxDays; i++, midnight += day) {
    for (const [start, end] of periodsOf(calendar, midnight)) {
      const begin = Math.max(start, from);
      if (begin >= end) continue;
      if (remaining <= end - begin) return begin + remaining;
      remaining -= end - begin;
    }
  }
  throw new Error('the work calendar has no working time in the next ten years');
}

/** The end of the last working period of the `count`-th working day after the local day of `from`. */
function endOfNthWorkingDay(calendar: WorkCalendar, from: number, count: number): number {
  let found = 0;
  for (let i = 1, midnight = localMidnight(from) + day; i <= maxDays; i++, midnight += day) {
    if (!isWorkingDay(calendar, midnight)) continue;
    found += 1;
    if (found === count) {
      const last = calendar.periods[calendar.periods.length - 1];
      return midnight + (last ? last.end : 24 * 60) * 60_000;
    }
  }
  throw new Error('the work calendar has no working days in the next ten years');
}

/** The deadline for a limit of `value` `unit`s starting at `from` (epoch ms in, epoch ms out). */
export function deadlineFor(calendar: WorkCalendar, from: number, value: number, unit: LimitUnit): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`time limit must be positive, got ${value}`);
  switch (unit) {
    case 'urgent_hour':
      return from + value * hour;
    case 'natural_day':
      return from + value * day;
    case 'work_hour':
      return addWorkingMillis(calendar, from, value * hour);
    case 'work_day':
      if (!Number.isInteger(value)) throw new RangeError(`working days must be whole, got ${value}`);
      return endOfNthWorkingDay(calendar, from, value);
  }
}

/**
 * How much of the limit between `start` and `deadline` has been used at `now`, as a fraction
 * (1 = due now). Working-time units count only working time, so a case is not "yellow" on Monday
 * morning because of the weekend.
 */
export function usedFraction(calendar: WorkCalendar, unit: LimitUnit, start: number, deadline: number, now: number): number {
  const natural = unit === 'urgent_hour' || unit === 'natural_day';
  const total = natural ? deadline - start : workingMillisBetween(calendar, start, deadline);
  if (total <= 0) return now >= deadline ? Infinity : 0;
  const used = natural ? now - start : now <= deadline ? workingMillisBetween(calendar, start, now) : total + (now - deadline);
  return used / total;
}

/**
 * The same remaining limit carried over a pause (挂账): the deadline moves by the working time (or
 * natural time) that the pause removed.
 */
export function resumeDeadline(calendar: WorkCalendar, unit: LimitUnit, deadline: number, pausedAt: number, resumedAt: number): number {
  if (unit === 'urgent_hour' || unit === 'natural_day') return deadline + Math.max(0, resumedAt - pausedAt);
  const remaining = workingMillisBetween(calendar, pausedAt, deadline);
  return remaining > 0 ? addWorkingMillis(calendar, resumedAt, remaining) : resumedAt;
}

export type TrafficLight = 'green' | 'yellow' | 'red';

/**
 * green below `yellowFrom` of the limit, yellow from there to 100 %, red beyond. GB/T 30428 practice
 * is 0.8; a town sets its own (the supervision rules), since the yellow light also sends the 催办.
 */
export function trafficLight(fraction: number, yellowFrom: number): TrafficLight {
  if (fraction > 1) return 'red';
  return fraction >= yellowFrom ? 'yellow' : 'green';
}

/** What a traffic light is computed on: the calendar the limit runs on and where yellow starts. */
export interface LightRule {
  calendar: WorkCalendar;
  /** Fraction of the limit used (0–1) from which the light is yellow. */
  yellowFrom: number;
}

export const standardPeriods: WorkPeriod[] = [
  { start: 8 * 60 + 30, end: 12 * 60 },
  { start: 13 * 60 + 30, end: 17 * 60 + 30 },
];
