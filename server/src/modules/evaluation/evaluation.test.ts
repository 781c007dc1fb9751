import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { indicators, type CountCode } from './indicators.ts';
import { addTestTown, grid11, grid12, grid21, insertCallback, insertCase, town, village1, village2, type CaseSpec } from './test-support.ts';

/**
 * Every formula against a hand-computed fixture: fifteen cases of March 2025 in a town of their own,
 * each with the history the workflow would have written, and five callbacks. The comment on each case
 * says what it counts for; the expected tables below are those sums, done by hand.
 */
const period = 'from=2025-03-01&to=2025-04-01';

describe('evaluation: formulas on a hand-computed fixture', () => {
  let t: TestApp;
  let admin: Session;
  const id: Record<string, number> = {};
  let unitA = 0;
  let unitB = 0;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.login('admin');
    ({ unitA, unitB } = await addTestTown(t.app));
    const users = new Map((await t.app.db.selectFrom('app_user').select(['id', 'username']).where('username', 'in', ['grid', 'command', 'dept', 'village']).execute()).map((u) => [u.username, u.id]));
    const [grid, command, dept, village] = ['grid', 'command', 'dept', 'village'].map((u) => users.get(u)!);
    const A = { actor: command, unit: unitA };
    const B = { actor: command, unit: unitB };
    const cases: CaseSpec[] = [
      // c1: 一村1 closed on time, one unit (A); 10 h from dispatch to handling. Reported at the first instant of the period.
      { name: 'c1', division: grid11, reportedAt: '2025-03-01 00:00', reporter: grid, state: 'closed', unit: unitA, handleDeadline: '2025-03-03 09:00', handledAt: '2025-03-01 19:00', closedAt: '2025-03-02 09:00', closeType: 'normal',
        steps: [['register', '2025-03-01 08:50', { actor: command }], ['dispatch', '2025-03-01 09:00', A], ['submit', '2025-03-01 19:00', { actor: dept }], ['close', '2025-03-02 09:00', { actor: command }]] },
      // c2: handled late (48 h), closed overtime.
      { name: 'c2', division: grid11, reportedAt: '2025-03-02 08:00', reporter: grid, state: 'closed', unit: unitA, handleDeadline: '2025-03-03 09:00', handledAt: '2025-03-04 09:00', timedOut: true, closedAt: '2025-03-04 12:00', closeType: 'overtime',
        steps: [['register', '2025-03-02 08:30', { actor: command }], ['dispatch', '2025-03-02 09:00', A], ['submit', '2025-03-04 09:00', { actor: dept }], ['close', '2025-03-04 12:00', { actor: command }]] },
      // c3: handled late (48 h) but the timeout appeal was approved: on time for the indicators.
      { name: 'c3', division: grid12, reportedAt: '2025-03-03 08:00', state: 'closed', unit: unitA, handleDeadline: '2025-03-04 09:00', handledAt: '2025-03-05 09:00', timedOut: true, closedAt: '2025-03-05 12:00', closeType: 'overtime', appeal: 'approved',
        steps: [['register', '2025-03-03 08:30', { actor: command }], ['dispatch', '2025-03-03 09:00', A], ['submit', '2025-03-05 09:00', { actor: dept }], ['close', '2025-03-05 12:00', { actor: command }]] },
      // c4: first dispatched to B, returned, then A: a wrong dispatch; 6 h from the first dispatch.
      { name: 'c4', division: grid12, reportedAt: '2025-03-04 08:00', state: 'closed', unit: unitA, handleDeadline: '2025-03-06 11:00', handledAt: '2025-03-04 15:00', closedAt: '2025-03-04 17:00', closeType: 'normal',
        steps: [['register', '2025-03-04 08:30', { actor: command }], ['dispatch', '2025-03-04 09:00', B], ['return', '2025-03-04 10:00', { unit: unitB }], ['dispatch', '2025-03-04 11:00', A], ['submit', '2025-03-04 15:00', { actor: dept }], ['close', '2025-03-04 17:00', { actor: command }]] },
      // c5: 二村 dispatched automatically to B, check failed (返工), handled again; 8 h to the last handling.
      { name: 'c5', division: grid21, reportedAt: '2025-03-05 08:00', state: 'closed', unit: unitB, handleDeadline: '2025-03-07 14:00', handledAt: '2025-03-05 17:00', closedAt: '2025-03-05 18:00', closeType: 'normal', reworkCount: 1,
        steps: [['register', '2025-03-05 08:30', { actor: command }], ['dispatch', '2025-03-05 09:00', { actor: null, unit: unitB }], ['submit', '2025-03-05 13:00', { actor: village }], ['check_fail', '2025-03-05 14:00', { actor: command }], ['submit', '2025-03-05 17:00', { actor: village }], ['close', '2025-03-05 18:00', { actor: command }]] },
      // c6: being handled by B, overdue since 2025-03-10.
      { name: 'c6', division: grid21, reportedAt: '2025-03-08 08:00', state: 'handling', unit: unitB, handleDeadline: '2025-03-10 09:00',
        steps: [['register', '2025-03-08 08:30', { actor: command }], ['dispatch', '2025-03-08 09:00', B], ['sign', '2025-03-08 10:00', { actor: village }]] },
      // c7: being handled by B, due in 2099.
      { name: 'c7', division: grid21, reportedAt: '2025-03-09 08:00', state: 'handling', unit: unitB, handleDeadline: '2099-01-01 09:00',
        steps: [['register', '2025-03-09 08:30', { actor: command }], ['dispatch', '2025-03-09 09:00', B]] },
      // c8: handled by A on time (2 h), waiting for the check.
      { name: 'c8', division: grid11, reportedAt: '2025-03-06 08:00', reporter: grid, state: 'checking', unit: unitA, handleDeadline: '2025-03-08 09:00', handledAt: '2025-03-06 11:00',
        steps: [['register', '2025-03-06 08:30', { actor: command }], ['dispatch', '2025-03-06 09:00', A], ['submit', '2025-03-06 11:00', { actor: dept }], ['request_check', '2025-03-06 11:30', { actor: command }]] },
      // c9: suspended (挂账) at A past its deadline: out of the handling indicators.
      { name: 'c9', division: grid12, reportedAt: '2025-03-10 08:00', state: 'suspended', unit: unitA, handleDeadline: '2025-03-12 09:00',
        steps: [['register', '2025-03-10 08:30', { actor: command }], ['dispatch', '2025-03-10 09:00', A], ['suspend', '2025-03-11 09:00', { actor: command }]] },
      // c10: registered, then cancelled (作废): a valid report, not a registered case.
      { name: 'c10', division: grid11, reportedAt: '2025-03-11 08:00', reporter: grid, state: 'cancelled', steps: [['register', '2025-03-11 08:30', { actor: command }], ['cancel', '2025-03-11 09:00', { actor: command }]] },
      // c11: not registered (不予立案).
      { name: 'c11', division: grid11, reportedAt: '2025-03-12 08:00', reporter: grid, state: 'cancelled', steps: [['reject', '2025-03-12 08:30', { actor: command }]] },
      // c12: waiting for 立案.
      { name: 'c12', division: grid11, reportedAt: '2025-03-13 08:00', reporter: grid, state: 'pending_register', steps: [] },
      // c13: outside every grid, waiting at the town for placement (the town's own-level row).
      { name: 'c13', division: town, reportedAt: '2025-03-14 08:00', state: 'pending_placement', steps: [] },
      // c14: force-closed (强制结案) at B, never handled, after its deadline: closed late.
      { name: 'c14', division: grid21, reportedAt: '2025-03-12 08:00', state: 'closed', unit: unitB, handleDeadline: '2025-03-14 09:00', closedAt: '2025-03-20 09:00', closeType: 'special',
        steps: [['register', '2025-03-12 08:30', { actor: command }], ['dispatch', '2025-03-12 09:00', B], ['force_close', '2025-03-20 09:00', { actor: command }]] },
      // c15: closed by A, called back dissatisfied and reopened (重办 = 返工): waiting for dispatch again.
      { name: 'c15', division: grid12, reportedAt: '2025-03-07 08:00', state: 'pending_dispatch', reworkCount: 1,
        steps: [['register', '2025-03-07 08:30', { actor: command }], ['dispatch', '2025-03-07 09:00', A], ['submit', '2025-03-07 12:00', { actor: dept }], ['close', '2025-03-07 14:00', { actor: command }], ['reopen', '2025-03-08 10:00', { actor: command }]] },
      // Outside the period: the last minute of February and the first instant of April (local time).
      { name: 'o1', division: grid11, reportedAt: '2025-02-28 23:59', reporter: grid, state: 'closed', unit: unitA, handledAt: '2025-03-01 10:00', closedAt: '2025-03-01 11:00', closeType: 'normal',
        steps: [['register', '2025-03-01 08:00', { actor: command }], ['dispatch', '2025-03-01 08:10', A], ['submit', '2025-03-01 10:00', { actor: dept }], ['close', '2025-03-01 11:00', { actor: command }]] },
      { name: 'o2', division: grid11, reportedAt: '2025-04-01 00:00', reporter: grid, state: 'pending_register', steps: [] },
    ];
    for (const spec of cases) id[spec.name] = await insertCase(t.app, spec);
    // Callbacks of March (and one of April): the division and unit of the case when called back.
    await insertCallback(t.app, { event: id.c1!, at: '2025-03-03 10:00', satisfaction: 'satisfied', contacted: true, resolved: true, division: grid11, unit: unitA });
    await insertCallback(t.app, { event: id.c2!, at: '2025-03-05 10:00', satisfaction: 'basically_satisfied', contacted: true, resolved: false, division: grid11, unit: unitA });
    await insertCallback(t.app, { event: id.c15!, at: '2025-03-08 09:00', satisfaction: 'dissatisfied', contacted: true, resolved: false, division: grid12, unit: unitA });
    await insertCallback(t.app, { event: id.c4!, at: '2025-03-06 10:00', satisfaction: 'satisfied', valid: false, contacted: true, resolved: true, division: grid12, unit: unitA });
    await insertCallback(t.app, { event: id.c5!, at: '2025-03-06 10:00', satisfaction: 'basically_satisfied', contacted: false, resolved: true, division: grid21, unit: unitB });
    await insertCallback(t.app, { event: id.c3!, at: '2025-04-02 10:00', satisfaction: 'satisfied', contacted: true, resolved: true, division: grid12, unit: unitA });
  });
  afterAll(() => t.close());

  const get = async (url: string, headers: Record<string, string> = {}) => t.as(admin, { method: 'GET', url, headers });
  const table = async (query: string) => {
    const response = await get(`/api/evaluation?${period}&${query}`);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { rows: { key: string; name: string; note: string | null; values: Record<string, number | null> }[]; total: Record<string, number | null>; columns: string[] };
  };
  /** The counts of a row: the given ones, every other count zero. */
  const counts = (given: Partial<Record<CountCode, number>>) => Object.fromEntries(indicators.filter((i) => i.kind === 'count').map((i) => [i.code, given[i.code as CountCode] ?? 0]));
  const pick = (values: Record<string, number | null>) => Object.fromEntries(Object.entries(values).filter(([code]) => indicators.find((i) => i.code === code)?.kind === 'count'));

  // 一村: c1 c2 c3 c4 c8 c9 c10 c11 c12 c15 and the callbacks of c1, c2, c15 (c4's is invalid).
  const village1Counts = { reports: 10, valid_reports: 8, registered: 7, dispatched: 7, due_handling: 5, handled: 5, handled_on_time: 4, due_close: 5, closed: 4, closed_on_time: 3, dispatched_closed: 4, accurate_dispatch: 3, reworked: 1, callbacks: 3, satisfied: 1, basically_satisfied: 1, contacted: 3, resolved: 1 };
  // 二村: c5 c6 c7 c14 and c5's callback.
  const village2Counts = { reports: 4, valid_reports: 4, registered: 4, dispatched: 4, due_handling: 4, handled: 1, handled_on_time: 1, overdue_unhandled: 1, due_close: 3, closed: 2, closed_on_time: 1, dispatched_closed: 2, accurate_dispatch: 2, reworked: 1, callbacks: 1, basically_satisfied: 1, resolved: 1 };

  it('counts the areas of the town as computed by hand', async () => {
    const result = await table(`object=area&division=${town}`);
    expect(result.rows.map((r) => [r.key, r.name, r.note])).toEqual([
      [village1, '一村', null],
      [village2, '二村', null],
      [town, '测评镇', 'own_level'],
    ]);
    expect(pick(result.rows[0]!.values)).toEqual(counts(village1Counts));
    expect(pick(result.rows[1]!.values)).toEqual(counts(village2Counts));
    expect(pick(result.rows[2]!.values)).toEqual(counts({ reports: 1 }));
    expect(pick(result.total)).toEqual(
      counts({ reports: 15, valid_reports: 12, registered: 11, dispatched: 11, due_handling: 9, handled: 6, handled_on_time: 5, overdue_unhandled: 1, due_close: 8, closed: 6, closed_on_time: 4, dispatched_closed: 6, accurate_dispatch: 5, reworked: 2, callbacks: 4, satisfied: 1, basically_satisfied: 2, contacted: 3, resolved: 2 }),
    );
  });

  it('computes every rate and the average from its counts', async () => {
    const { rows, total } = await table(`object=area&division=${town}`);
    expect(total).toMatchObject({
      valid_report_rate: 12 / 15,
      handle_rate: 6 / 9,
      on_time_handle_rate: 5 / 9,
      close_rate: 6 / 8,
      on_time_close_rate: 4 / 8,
      accurate_dispatch_rate: 5 / 6,
      rework_rate: 2 / 11,
      // 12345: (满意 + 0.9 × 基本满意) / 有效回访 = (1 + 0.9 × 2) / 4
      satisfaction_rate: (1 + 0.9 * 2) / 4,
      response_rate: 3 / 4,
      resolution_rate: 2 / 4,
      // (10 + 48 + 48 + 6 + 8 + 2) hours / 6 handled cases, one decimal
      avg_handle_hours: 20.3,
    });
    expect(rows[0]!.values).toMatchObject({ satisfaction_rate: (1 + 0.9) / 3, response_rate: 1, resolution_rate: 1 / 3, avg_handle_hours: 22.8, accurate_dispatch_rate: 3 / 4, rework_rate: 1 / 7 });
    expect(rows[1]!.values).toMatchObject({ satisfaction_rate: 0.9, response_rate: 0, resolution_rate: 1, avg_handle_hours: 8, on_time_close_rate: 1 / 3 });
    // Nothing to divide by: no rate, no average (shown as "—").
    expect(rows[2]!.values).toMatchObject({ valid_report_rate: 0, close_rate: null, satisfaction_rate: null, avg_handle_hours: null });
  });

  it('counts a village by its grids', async () => {
    const { rows } = await table(`object=area&division=${village1}`);
    expect(rows.map((r) => r.key)).toEqual([grid11, grid12]);
    // 一村1: c1 c2 c8 c10 c11 c12; 一村2: c3 c4 c9 c15.
    expect(rows.map((r) => [r.values.reports, r.values.closed, r.values.callbacks])).toEqual([
      [6, 2, 2],
      [4, 2, 1],
    ]);
  });

  it('counts the handling units', async () => {
    const { rows } = await table(`object=organization&division=${town}`);
    expect(rows.map((r) => [r.key, r.name, r.note])).toEqual([
      [String(unitA), '甲执法队', null],
      [String(unitB), '乙环卫所', null],
      ['none', '', 'not_dispatched'],
    ]);
    // A: c1 c2 c3 c4 c8 c9 (c15 left A when reopened); B: as 二村; none: c10 c11 c12 c13 c15.
    expect(pick(rows[0]!.values)).toEqual(counts({ ...village1Counts, reports: 6, valid_reports: 6, registered: 6, dispatched: 6, reworked: 0 }));
    expect(pick(rows[1]!.values)).toEqual(counts(village2Counts));
    expect(pick(rows[2]!.values)).toEqual(counts({ reports: 5, valid_reports: 2, registered: 1, dispatched: 1, reworked: 1 }));
  });

  it('counts the people of each post', async () => {
    const names = async (post: string) => (await table(`object=post&post=${post}&division=${town}`)).rows.map((r) => [r.name, pick(r.values)]);
    // The grid worker reported c1 c2 c8 c10 c11 c12 (o1 was reported in February).
    expect(await names('reporter')).toEqual([['张网格（grid）', counts({ reports: 6, valid_reports: 4, registered: 3, dispatched: 3, due_handling: 3, handled: 3, handled_on_time: 2, due_close: 3, closed: 2, closed_on_time: 1, dispatched_closed: 2, accurate_dispatch: 2 })]]);
    // The command center made every first dispatch but c5's (automatic).
    expect(await names('dispatcher')).toEqual([['王指挥（command）', counts({ reports: 10, valid_reports: 10, registered: 10, dispatched: 10, due_handling: 8, handled: 5, handled_on_time: 4, overdue_unhandled: 1, due_close: 7, closed: 5, closed_on_time: 3, dispatched_closed: 5, accurate_dispatch: 4, reworked: 1 })]]);
    // Last handling submitted: dept for c1 c2 c3 c4 c8 c15, the village user for c5.
    const handlers = (await table(`object=post&post=handler&division=${town}`)).rows;
    expect(handlers.map((r) => [r.name, r.values.due_handling, r.values.handled, r.values.handled_on_time, r.values.reworked, r.values.rework_rate, r.values.avg_handle_hours])).toEqual([
      ['李执法（dept）', 5, 5, 4, 1, 1 / 6, 22.8],
      ['薛书记（village）', 1, 1, 1, 1, 1, 8],
    ]);
  });

  it('lists exactly the cases behind each count', async () => {
    const ids = async (query: string) => {
      const page = (await get(`/api/evaluation/events?${period}&object=area&division=${town}&pageSize=100&${query}`)).json();
      return page.items.map((e: { code: string }) => e.code.slice(2)).sort();
    };
    expect(await ids('indicator=accurate_dispatch')).toEqual(['c1', 'c14', 'c2', 'c3', 'c5']);
    expect(await ids('indicator=due_close')).toEqual(['c1', 'c14', 'c2', 'c3', 'c4', 'c5', 'c6', 'c8']);
    expect(await ids('indicator=closed_on_time')).toEqual(['c1', 'c3', 'c4', 'c5']);
    expect(await ids('indicator=reworked')).toEqual(['c15', 'c5']);
    expect(await ids(`indicator=reports&key=${town}`)).toEqual(['c13']);
    // Callbacks list their cases: the satisfaction numerator is 满意 ∪ 基本满意.
    expect(await ids('indicator=satisfaction_rate&part=numerator')).toEqual(['c1', 'c2', 'c5']);
    const page = (await get(`/api/evaluation/events?${period}&object=area&division=${town}&indicator=satisfied`)).json();
    expect(page.items[0]).toMatchObject({ code: 'T-c1', satisfaction: 'satisfied', callbackAt: '2025-03-03T02:00:00.000Z', state: 'closed', handlingUnitName: '甲执法队' });
  });

  it('gives every number of every table a list whose total is that number', async () => {
    const objects = [`object=area&division=${town}`, `object=organization&division=${town}`, ...['reporter', 'dispatcher', 'handler'].map((p) => `object=post&post=${p}&division=${town}`)];
    let checked = 0;
    for (const object of objects) {
      const result = await table(object);
      for (const row of [...result.rows, { key: undefined, values: result.total }]) {
        for (const definition of indicators) {
          const parts: [string, number][] =
            definition.kind === 'count'
              ? [['', row.values[definition.code]!]]
              : definition.kind === 'average'
                ? [['', row.values[definition.over]!]]
                : [
                    ['&part=numerator', definition.numerator.reduce((sum, term) => sum + row.values[term.count]!, 0)],
                    ['&part=denominator', row.values[definition.denominator]!],
                  ];
          for (const [part, expected] of parts) {
            const url = `/api/evaluation/events?${period}&${object}&indicator=${definition.code}${part}${row.key === undefined ? '' : `&key=${row.key}`}&pageSize=1`;
            const response = await get(url);
            expect({ url, total: response.json().total }).toEqual({ url, total: expected });
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(500);
  });

  it('refuses empty, reversed and over-long periods with a clear message in both languages', async () => {
    const cases: [string, string, string, string][] = [
      ['from=2025-03-01&to=2025-03-01', 'EVALUATION_PERIOD_EMPTY', '评价期间为空', 'is empty'],
      ['from=2025-04-01&to=2025-03-01', 'EVALUATION_PERIOD_REVERSED', '评价期间颠倒', 'is reversed'],
      ['from=2024-01-01&to=2025-03-01', 'EVALUATION_PERIOD_TOO_LONG', '超过 366 天', 'longer than 366 days'],
    ];
    for (const [query, code, zh, en] of cases) {
      for (const url of [`/api/evaluation?${query}&object=area`, `/api/evaluation/events?${query}&object=area&indicator=reports`, `/api/evaluation/export?${query}&object=area`]) {
        const chinese = await get(url);
        expect(chinese.statusCode).toBe(400);
        expect(chinese.json()).toMatchObject({ code, fields: [{ field: '/querystring/to', code }] });
        expect(chinese.json().detail).toContain(zh);
        expect((await get(url, { 'accept-language': 'en' })).json().detail).toContain(en);
      }
    }
    const badDate = await get('/api/evaluation?from=2025-02-30&to=2025-03-01&object=area');
    expect(badDate.json()).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: '/querystring/from' }] });
  });

  it('refuses a rate without its part, a part on a count, and rows that are not rows', async () => {
    const drill = (query: string) => get(`/api/evaluation/events?${period}&object=area&division=${town}&${query}`);
    expect((await drill('indicator=close_rate')).json()).toMatchObject({ code: 'EVALUATION_PART_REQUIRED', fields: [{ field: '/querystring/part' }] });
    expect((await drill('indicator=closed&part=numerator')).json()).toMatchObject({ code: 'EVALUATION_PART_NOT_ALLOWED' });
    expect((await drill(`indicator=closed&key=${grid11}`)).json()).toMatchObject({ code: 'EVALUATION_ROW_UNKNOWN', fields: [{ field: '/querystring/key' }] });
    expect((await drill('indicator=no_such')).json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await get(`/api/evaluation?${period}&object=area&division=330203999`)).statusCode).toBe(404);
  });

  it('exports the table as XLSX, rates in percent', async () => {
    const response = await get(`/api/evaluation/export?${period}&object=area&division=${town}`);
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-disposition']).toContain(encodeURIComponent('综合评价-测评镇-2025-03-01_2025-04-01.xlsx'));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(response.rawPayload as unknown as ArrayBuffer);
    const sheet = workbook.worksheets[0]!;
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 4)).toEqual(['区域', '上报数', '有效上报数', '有效上报率（%）']);
    expect(header).toContain('平均处置时长 (自然小时)');
    const rows = [2, 3, 4, 5].map((n) => (sheet.getRow(n).values as unknown[]).slice(1));
    expect(rows.map((r) => r[0])).toEqual(['一村', '二村', '测评镇（本级）', '合计']);
    const column = (name: string) => header.indexOf(name);
    expect(rows[3]![column('上报数')]).toBe(15);
    expect(rows[3]![column('结案率（%）')]).toBe(75);
    expect(rows[3]![column('满意率（%）')]).toBe(70);
    expect(rows[2]![column('结案率（%）')]).toBeUndefined();
  });

  it('serves the definitions with their formulas and sources', async () => {
    const list = (await get('/api/evaluation/indicators')).json().items as { code: string; formula: { zh: string }; source: string }[];
    expect(list.map((i) => i.code)).toEqual(indicators.map((i) => i.code));
    expect(list.find((i) => i.code === 'satisfaction_rate')!.formula.zh).toBe('(满意数 + 0.9 × 基本满意数) / 有效回访数');
    expect(list.find((i) => i.code === 'close_rate')!.formula.zh).toBe('结案数 / 应结案数');
    expect(list.every((i) => i.source.length > 10)).toBe(true);
  });
});
