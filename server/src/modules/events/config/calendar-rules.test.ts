import { describe, expect, it } from 'vitest';
import { checkWorkPeriods, checkYearRows, parseDate, parseDayKind, toWorkPeriods } from './calendar-rules.ts';
import { calendar2026 } from './seed/base-seed.ts';

describe('work periods', () => {
  it('are minutes after midnight', () => {
    expect(toWorkPeriods([{ start: '08:30', end: '12:00' }, { start: '13:30', end: '17:30' }])).toEqual([{ start: 510, end: 720 }, { start: 810, end: 1050 }]);
  });

  it('must each end after they start, in order, without overlapping', () => {
    expect(checkWorkPeriods([{ start: '08:30', end: '12:00' }, { start: '12:00', end: '17:30' }])).toEqual([]);
    expect(checkWorkPeriods([{ start: '12:00', end: '08:30' }])).toEqual([{ field: '/workPeriods/0/end', code: 'periodEmpty' }]);
    expect(checkWorkPeriods([{ start: '13:30', end: '17:30' }, { start: '08:30', end: '12:00' }])).toEqual([{ field: '/workPeriods/1/start', code: 'periodOrder' }]);
    expect(checkWorkPeriods([{ start: '08:30', end: '12:00' }, { start: '11:00', end: '17:30' }])).toEqual([{ field: '/workPeriods/1/start', code: 'periodOrder' }]);
  });
});

describe('holiday rows', () => {
  it('read dates and kinds the way people write them', () => {
    expect(parseDate('2026/1/4')).toBe('2026-01-04');
    expect(parseDate('2026-02-29')).toBeNull();
    expect(parseDate('4 Jan 2026')).toBeNull();
    expect(parseDayKind('放假')).toBe('holiday');
    expect(parseDayKind(' Workday ')).toBe('workday');
    expect(parseDayKind('调休')).toBeNull();
  });

  it('report every bad row and keep only good ones', () => {
    const { days, errors } = checkYearRows(
      [
        { row: 2, date: '2026-10-01', kind: '放假', name: '国庆节' },
        { row: 3, date: '2026-10-01', kind: '放假', name: '国庆节' },
        { row: 4, date: '2027-01-01', kind: '放假', name: '元旦' },
        { row: 5, date: '2026-13-01', kind: '请假', name: '' },
        { row: 6, date: '2026-10-09', kind: '上班', name: '周五不是调休日' },
        { row: 7, date: '2026-10-10', kind: '上班', name: '国庆节调休上班' },
      ],
      2026,
    );
    expect(days.map((d) => d.date)).toEqual(['2026-10-01', '2026-10-10']);
    expect(errors).toEqual([
      { field: '/rows/3/date', code: 'duplicateRow', params: { row: 2 } },
      { field: '/rows/4/date', code: 'yearMismatch', params: { year: 2026 } },
      { field: '/rows/5/date', code: 'date' },
      { field: '/rows/5/kind', code: 'enum', params: { allowed: '放假, 上班, holiday, workday' } },
      { field: '/rows/6/kind', code: 'workdayNotWeekend' },
    ]);
  });

  it('the seeded 2026 calendar passes its own checks (make-up days fall on weekends)', () => {
    const rows = calendar2026.map((d, i) => ({ row: i + 2, date: d.date, kind: d.kind, name: d.name }));
    const { days, errors } = checkYearRows(rows, 2026);
    expect(errors).toEqual([]);
    expect(days.filter((d) => d.kind === 'holiday')).toHaveLength(33);
    expect(days.filter((d) => d.kind === 'workday').map((d) => d.date)).toEqual(['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10']);
  });
});
