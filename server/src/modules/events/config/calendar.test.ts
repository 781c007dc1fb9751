import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { createTestApp, type Session, type TestApp } from '../../../../test/test-app.ts';
import { multipart, multipartHeaders } from '../../../../test/fixtures.ts';
import { deadlineFor } from '../work-calendar.ts';

const at = (local: string) => Date.parse(`${local}+08:00`);
const show = (instant: number) => new Date(instant + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');

describe('work calendar settings and holidays', () => {
  let t: TestApp;
  let admin: Session;
  const importYear = (year: number, bytes: Buffer, type = 'text/csv') =>
    t.as(admin, { method: 'POST', url: `/api/event-config/calendar/import?year=${year}`, payload: multipart('节假日.csv', bytes, type), headers: multipartHeaders });

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.login('admin');
  });
  afterAll(() => t.close());

  it('starts with the standard settings and the 2026 State Council calendar', async () => {
    const settings = (await t.as(admin, { method: 'GET', url: '/api/event-config/settings' })).json();
    expect(settings).toEqual({
      workPeriods: [{ start: '08:30', end: '12:00' }, { start: '13:30', end: '17:30' }],
      phaseLimits: { acceptMinutes: 15, dispatchMinutes: 15, verifyMinutes: 30, checkMinutes: 30 },
      urgentPhaseLimits: {
        urgent: { acceptMinutes: 5, dispatchMinutes: 5, verifyMinutes: 15, checkMinutes: 15 },
        critical: { acceptMinutes: 2, dispatchMinutes: 2, verifyMinutes: 10, checkMinutes: 10 },
      },
      duplicateWindow: { meters: 50, hours: 24 },
      supervision: { remindAtPercent: 80, superviseReplyLimit: { value: 1, unit: 'work_day' }, listedReplyLimit: { value: 3, unit: 'work_day' } },
    });
    const days = (await t.as(admin, { method: 'GET', url: '/api/event-config/calendar/days?year=2026' })).json().items;
    expect(days).toHaveLength(39);
    expect(days[0]).toEqual({ date: '2026-01-01', kind: 'holiday', name: '元旦' });
    expect(days).toContainEqual({ date: '2026-10-10', kind: 'workday', name: '国庆节调休上班' });
    // National Day: Wed Sep 30 17:00 + 1 working hour lands on Thu Oct 8.
    const calendar = await t.app.eventConfig.calendar();
    expect(show(deadlineFor(calendar, at('2026-09-30T17:00'), 1, 'work_hour'))).toBe('2026-10-08 09:00');
  });

  it('validates working periods and phase limits, and deadlines follow a change at once', async () => {
    const patch = (payload: object) => t.as(admin, { method: 'PATCH', url: '/api/event-config/settings', payload });
    const overlap = await patch({ workPeriods: [{ start: '08:30', end: '12:00' }, { start: '11:30', end: '17:30' }] });
    expect(overlap.json().fields).toEqual([{ field: '/workPeriods/1/start', code: 'periodOrder', message: expect.any(String) }]);
    expect((await patch({ workPeriods: [{ start: '12:00', end: '08:00' }] })).json().fields[0].code).toBe('periodEmpty');
    expect((await patch({ workPeriods: [{ start: '8:30', end: '12:00' }] })).json().fields[0]).toMatchObject({ field: '/workPeriods/0/start', code: 'pattern' });
    expect((await patch({ phaseLimits: { acceptMinutes: 0, dispatchMinutes: 15, verifyMinutes: 30, checkMinutes: 30 } })).statusCode).toBe(400);
    expect((await patch({})).statusCode).toBe(400);

    const before = await t.app.eventConfig.calendar();
    expect(show(deadlineFor(before, at('2026-09-21T11:00'), 2, 'work_hour'))).toBe('2026-09-21 14:30');
    const changed = await patch({ workPeriods: [{ start: '09:00', end: '12:00' }, { start: '14:00', end: '18:00' }], phaseLimits: { acceptMinutes: 10, dispatchMinutes: 20, verifyMinutes: 60, checkMinutes: 120 } });
    expect(changed.statusCode).toBe(200);
    expect(changed.json().workPeriods[1]).toEqual({ start: '14:00', end: '18:00' });
    const after = await t.app.eventConfig.calendar();
    expect(show(deadlineFor(after, at('2026-09-21T11:00'), 2, 'work_hour'))).toBe('2026-09-21 15:00');
    expect((await t.app.eventConfig.phaseLimits()).normal).toEqual({ acceptMinutes: 10, dispatchMinutes: 20, verifyMinutes: 60, checkMinutes: 120 });
    expect((await patch({ urgentPhaseLimits: { urgent: { acceptMinutes: 5, dispatchMinutes: 5, verifyMinutes: 15, checkMinutes: 15 } } })).json().fields[0]).toMatchObject({ field: '/urgentPhaseLimits/critical', code: 'required' });
    const records = await t.app.db.selectFrom('audit_log').selectAll().where('action', '=', 'event:calendar:update').where('entity_type', '=', 'setting').orderBy('id').execute();
    expect(records.map((r) => r.entity_id)).toEqual(['work_periods', 'phase_limits']);
    expect(records[0]!.changes).toMatchObject({ value: { from: [{ start: '08:30', end: '12:00' }, { start: '13:30', end: '17:30' }] } });
  });

  it('adds and removes single days; a make-up working day must be a weekend day', async () => {
    const put = (date: string, payload: object) => t.as(admin, { method: 'PUT', url: `/api/event-config/calendar/days/${date}`, payload });
    expect((await put('2026-11-26', { kind: 'workday', name: '周四' })).json().fields[0].code).toBe('workdayNotWeekend');
    expect((await put('2026-02-30', { kind: 'holiday', name: '' })).statusCode).toBe(400);
    const added = await put('2026-11-26', { kind: 'holiday', name: '镇庆' });
    expect(added.json()).toEqual({ date: '2026-11-26', kind: 'holiday', name: '镇庆' });
    expect((await t.app.eventConfig.calendar()).holidays.has('2026-11-26')).toBe(true);
    expect((await t.as(admin, { method: 'DELETE', url: '/api/event-config/calendar/days/2026-11-26' })).statusCode).toBe(204);
    expect((await t.app.eventConfig.calendar()).holidays.has('2026-11-26')).toBe(false);
    expect((await t.as(admin, { method: 'DELETE', url: '/api/event-config/calendar/days/2026-11-26' })).statusCode).toBe(404);
    const records = await t.app.db.selectFrom('audit_log').select(['changes']).where('entity_type', '=', 'work_calendar_day').where('entity_id', '=', '2026-11-26').orderBy('id').execute();
    expect(records.map((r) => r.changes)).toEqual([{ kind: { to: 'holiday' }, name: { to: '镇庆' } }, { kind: { from: 'holiday' }, name: { from: '镇庆' } }]);
  });

  it('imports a year from a GBK CSV, replaces it on re-import, and audits each import once', async () => {
    const csv = ['日期,类型,名称', '2027-01-01,放假,元旦', '2027/1/2,放假,元旦', '2027-01-03,休,元旦', '2027-02-20,上班,春节调休上班', ''].join('\r\n');
    const first = await importYear(2027, iconv.encode(csv, 'gbk'));
    expect(first.json()).toEqual({ year: 2027, holidays: 3, workdays: 1, added: 4, changed: 0, removed: 0 });
    const days = (await t.as(admin, { method: 'GET', url: '/api/event-config/calendar/days?year=2027' })).json().items;
    expect(days.map((d: { date: string; name: string }) => `${d.date} ${d.name}`)).toEqual(['2027-01-01 元旦', '2027-01-02 元旦', '2027-01-03 元旦', '2027-02-20 春节调休上班']);
    const second = await importYear(2027, Buffer.from('\uFEFFdate,kind,name\n2027-01-01,holiday,元旦节\n2027-02-20,workday,春节调休上班\n'));
    expect(second.json()).toEqual({ year: 2027, holidays: 1, workdays: 1, added: 0, changed: 1, removed: 2 });
    const records = await t.app.db.selectFrom('audit_log').selectAll().where('action', '=', 'event:calendar:import').execute();
    expect(records).toHaveLength(2);
    expect(records[1]!.changes).toMatchObject({ _details: { year: 2027, changed: 1, removed: 2 } });
    // Other years are untouched.
    expect((await t.as(admin, { method: 'GET', url: '/api/event-config/calendar/days?year=2026' })).json().items).toHaveLength(39);
  });

  it('imports an XLSX with real Excel dates', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('2028');
    sheet.addRow(['日期', '类型', '名称']);
    sheet.addRow([new Date(Date.UTC(2028, 0, 1)), '放假', '元旦']);
    sheet.addRow([new Date(Date.UTC(2028, 0, 29)), '上班', '春节调休上班']);
    const response = await importYear(2028, Buffer.from(await book.xlsx.writeBuffer()), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(response.json()).toMatchObject({ year: 2028, holidays: 1, workdays: 1 });
    const calendar = await t.app.eventConfig.calendar();
    expect(calendar.workdays.has('2028-01-29')).toBe(true);
  });

  it('rejects a bad file whole, with a report by row', async () => {
    const csv = ['日期,类型,名称', '2029-01-01,放假,元旦', '2028-12-31,放假,跨年', '2029-01-01,放假,重复', '2029-01-05,上班,周五', 'x,?,'].join('\n');
    const response = await importYear(2029, Buffer.from(csv));
    expect(response.statusCode).toBe(400);
    expect(response.json().fields.map((f: { field: string; code: string }) => `${f.field} ${f.code}`)).toEqual([
      '/rows/3/date yearMismatch',
      '/rows/4/date duplicateRow',
      '/rows/5/kind workdayNotWeekend',
      '/rows/6/date date',
      '/rows/6/kind enum',
    ]);
    expect((await t.as(admin, { method: 'GET', url: '/api/event-config/calendar/days?year=2029' })).json().items).toEqual([]);
    expect((await importYear(2029, Buffer.from('日期,名称\n2029-01-01,元旦\n'))).json().fields[0]).toMatchObject({ code: 'missingColumn' });
  });

  it('is read by the command center but edited only by county-level admins', async () => {
    const command = await t.login('command');
    expect((await t.as(command, { method: 'GET', url: '/api/event-config/settings' })).statusCode).toBe(200);
    expect((await t.as(command, { method: 'GET', url: '/api/event-config/calendar/days?year=2026' })).statusCode).toBe(200);
    expect((await t.as(command, { method: 'PATCH', url: '/api/event-config/settings', payload: { duplicateWindow: { meters: 10, hours: 1 } } })).statusCode).toBe(403);
    expect((await t.as(command, { method: 'PUT', url: '/api/event-config/calendar/days/2026-11-26', payload: { kind: 'holiday', name: 'x' } })).statusCode).toBe(403);
    const grid = await t.login('grid');
    expect((await t.as(grid, { method: 'GET', url: '/api/event-config/settings' })).statusCode).toBe(403);
  });
});
