import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { addWorkingMillis, deadlineFor, isWorkingDay, localDate, resumeDeadline, standardPeriods, trafficLight, usedFraction, workingMillisBetween, type WorkCalendar } from './work-calendar.ts';

/** A test calendar: National Day 2026 off Oct 1–7, with Sat Oct 10 as a 调休 working day. */
const calendar: WorkCalendar = {
  periods: standardPeriods,
  holidays: new Set(['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07']),
  workdays: new Set(['2026-10-10']),
};
/** Local Asia/Shanghai time to epoch ms. */
const at = (local: string) => Date.parse(`${local}+08:00`);
const show = (instant: number) => new Date(instant + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('work calendar', () => {
  it('knows weekends, holidays and make-up days', () => {
    expect(isWorkingDay(calendar, at('2026-09-30T00:00'))).toBe(true); // Wednesday
    expect(isWorkingDay(calendar, at('2026-10-01T00:00'))).toBe(false); // holiday (Thursday)
    expect(isWorkingDay(calendar, at('2026-10-03T00:00'))).toBe(false); // Saturday
    expect(isWorkingDay(calendar, at('2026-10-10T00:00'))).toBe(true); // 调休 Saturday
    expect(localDate(at('2026-10-10T00:30'))).toBe('2026-10-10'); // 16:30 UTC the day before
  });

  it('working hours run only in working periods, across lunch, nights and weekends', () => {
    expect(show(deadlineFor(calendar, at('2026-09-21T09:00'), 2, 'work_hour'))).toBe('2026-09-21 11:00');
    expect(show(deadlineFor(calendar, at('2026-09-21T11:00'), 2, 'work_hour'))).toBe('2026-09-21 14:30');
    expect(show(deadlineFor(calendar, at('2026-09-25T16:30'), 2, 'work_hour'))).toBe('2026-09-28 09:30'); // Friday → Monday
    expect(show(deadlineFor(calendar, at('2026-09-21T22:00'), 0.5, 'work_hour'))).toBe('2026-09-22 09:00'); // at night
    expect(show(deadlineFor(calendar, at('2026-09-21T12:00'), 4, 'work_hour'))).toBe('2026-09-21 17:30'); // ends exactly at close
  });

  it('working hours skip statutory holidays and count 调休 days', () => {
    // Wed Sep 30 17:00 + 1 h: 0.5 h on Sep 30, then Oct 1–2 holiday, Oct 3–4 weekend, 5–7 holiday, Thu Oct 8.
    expect(show(deadlineFor(calendar, at('2026-09-30T17:00'), 1, 'work_hour'))).toBe('2026-10-08 09:00');
    // Fri Oct 9 17:00 + 1 h continues on the make-up Saturday Oct 10.
    expect(show(deadlineFor(calendar, at('2026-10-09T17:00'), 1, 'work_hour'))).toBe('2026-10-10 09:00');
  });

  it('working days end at close of the N-th working day after the start day', () => {
    expect(show(deadlineFor(calendar, at('2026-09-21T10:00'), 1, 'work_day'))).toBe('2026-09-22 17:30');
    expect(show(deadlineFor(calendar, at('2026-09-25T10:00'), 1, 'work_day'))).toBe('2026-09-28 17:30'); // Friday → Monday
    expect(show(deadlineFor(calendar, at('2026-09-29T10:00'), 3, 'work_day'))).toBe('2026-10-09 17:30'); // Sep 30, Oct 8, Oct 9
    expect(show(deadlineFor(calendar, at('2026-10-09T10:00'), 1, 'work_day'))).toBe('2026-10-10 17:30'); // 调休 Saturday
    expect(() => deadlineFor(calendar, at('2026-10-09T10:00'), 1.5, 'work_day')).toThrow(RangeError);
  });

  it('urgent hours and natural days run through everything', () => {
    expect(show(deadlineFor(calendar, at('2026-09-30T23:00'), 2, 'urgent_hour'))).toBe('2026-10-01 01:00');
    expect(show(deadlineFor(calendar, at('2026-09-30T10:00'), 3, 'natural_day'))).toBe('2026-10-03 10:00');
    expect(() => deadlineFor(calendar, 0, 0, 'natural_day')).toThrow(RangeError);
  });

  const instant = fc.integer({ min: at('2026-01-01T00:00'), max: at('2027-12-31T00:00') });

  it('property: adding working time then measuring it gives it back', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 400 * 3_600_000 }), (from, amount) => {
        const end = addWorkingMillis(calendar, from, amount);
        expect(end).toBeGreaterThan(from);
        expect(workingMillisBetween(calendar, from, end)).toBe(amount);
      }),
      { numRuns: 300 },
    );
  });

  it('property: deadlines grow with the limit, and working-time deadlines fall inside working time', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 60 }), (from, value) => {
        const hours = deadlineFor(calendar, from, value, 'work_hour');
        expect(deadlineFor(calendar, from, value + 1, 'work_hour')).toBeGreaterThan(hours);
        // The last millisecond before the deadline is working time (a minute would not do: a start 1 ms
        // into a period puts the deadline 1 ms into the next one).
        expect(workingMillisBetween(calendar, hours - 1, hours)).toBe(1);
        const days = deadlineFor(calendar, from, Math.min(value, 20), 'work_day');
        expect(isWorkingDay(calendar, days - 3_600_000)).toBe(true);
        expect(deadlineFor(calendar, from, Math.min(value, 20) + 1, 'work_day')).toBeGreaterThan(days);
      }),
      { numRuns: 300 },
    );
  });

  it('property: a pause moves a working-time deadline by exactly the working time it removed', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 30 * 24 }), (from, value, pauseHours) => {
        const deadline = deadlineFor(calendar, from, value, 'work_hour');
        const pausedAt = from + (deadline - from) / 2;
        const resumedAt = pausedAt + pauseHours * 3_600_000;
        const moved = resumeDeadline(calendar, 'work_hour', deadline, pausedAt, resumedAt);
        expect(workingMillisBetween(calendar, resumedAt, moved)).toBe(workingMillisBetween(calendar, pausedAt, deadline));
      }),
      { numRuns: 200 },
    );
  });

  it('traffic light: green under 80 %, yellow to 100 %, red beyond — in working time', () => {
    const start = at('2026-09-25T16:30'); // Friday
    const deadline = deadlineFor(calendar, start, 2, 'work_hour'); // Monday 09:30
    expect(trafficLight(usedFraction(calendar, 'work_hour', start, deadline, at('2026-09-27T12:00')), 0.8)).toBe('green'); // Sunday: 1 of 2 h used
    expect(trafficLight(usedFraction(calendar, 'work_hour', start, deadline, at('2026-09-28T09:10')), 0.8)).toBe('yellow');
    expect(trafficLight(usedFraction(calendar, 'work_hour', start, deadline, at('2026-09-28T09:31')), 0.8)).toBe('red');
    expect(trafficLight(usedFraction(calendar, 'urgent_hour', 0, 10, 7), 0.8)).toBe('green');
    expect(trafficLight(usedFraction(calendar, 'urgent_hour', 0, 10, 8), 0.8)).toBe('yellow');
    // A town that reminds earlier: yellow from 60 %.
    expect(trafficLight(usedFraction(calendar, 'urgent_hour', 0, 10, 7), 0.6)).toBe('yellow');
    expect(trafficLight(usedFraction(calendar, 'urgent_hour', 0, 10, 5), 0.6)).toBe('green');
  });
});
