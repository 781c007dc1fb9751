import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { eventsClient, homeGrid, orgId, pointIn, testCategory } from '../../../test/event-fixtures.ts';
import { localDate } from '../events/work-calendar.ts';

/**
 * The statistics follow the real workflow: one grid report walked through the API (a wrong dispatch
 * returned, a failed check) moves exactly the counts it should, for its grid, its reporter and its
 * dispatcher. The demo town has events of its own, so the test compares before and after.
 */
const village = homeGrid.slice(0, 12);

describe('evaluation of cases handled through the workflow', () => {
  let t: TestApp;
  let command: Session;
  let dept: Session;
  let grid: Session;
  let other: Session;
  let enf = 0;
  let env = 0;
  const today = localDate(Date.now());
  const tomorrow = localDate(Date.now() + 86_400_000);

  beforeAll(async () => {
    t = await createTestApp();
    [command, dept, grid] = await Promise.all([t.login('command'), t.login('dept'), t.login('grid')]);
    await testCategory(t.app, 'E9902', { value: 4, unit: 'work_hour' });
    [enf, env] = await Promise.all([orgId(t.app, 'GL-ENF'), orgId(t.app, 'GL-ENV')]);
    const admin = await t.login('admin');
    const created = await t.as(admin, { method: 'POST', url: '/api/system/users', payload: { username: 'env_handler', displayName: '环卫处置', password: 'Evaluation-2026', divisionCode: '330203103', organizationId: env, roles: ['department_handler'] } });
    expect(created.statusCode, created.body).toBe(201);
    other = await t.login('env_handler', 'Evaluation-2026');
  });
  afterAll(() => t.close());

  const table = async (query: string) => {
    const response = await t.as(command, { method: 'GET', url: `/api/evaluation?from=${today}&to=${tomorrow}&${query}` });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { rows: { key: string; name: string; values: Record<string, number> }[] };
  };
  const rowOf = async (query: string, match: (row: { key: string; name: string }) => boolean) => (await table(query)).rows.find(match)?.values ?? {};
  const snapshot = async () => ({
    grid: await rowOf(`object=area&division=${village}`, (r) => r.key === homeGrid),
    reporter: await rowOf('object=post&post=reporter', (r) => r.name.includes('（grid）')),
    dispatcher: await rowOf('object=post&post=dispatcher', (r) => r.name.includes('（command）')),
    handler: await rowOf('object=post&post=handler', (r) => r.name.includes('（dept）')),
  });
  const delta = (after: Record<string, number>, before: Record<string, number>, codes: string[]) => Object.fromEntries(codes.map((c) => [c, (after[c] ?? 0) - (before[c] ?? 0)]));

  it('counts a report walked through wrong dispatch, return, rework and closure', async () => {
    const before = await snapshot();
    const api = eventsClient(t);
    const reported = await api.report(grid, { source: 'grid', categoryCode: 'E9902', description: '井盖缺失', location: await pointIn(t.app, homeGrid) });
    expect(reported.statusCode, reported.body).toBe(201);
    const id = reported.json().event.id as number;
    const steps: [Session, string, Record<string, unknown>?][] = [
      [command, 'register'],
      [command, 'dispatch', { organizationId: env }],
      [other, 'return', { reason: '不属本单位职责' }],
      [command, 'dispatch', { organizationId: enf }],
      [dept, 'sign'],
      [dept, 'submit', { note: '已补装井盖' }],
      [command, 'request_check'],
      [command, 'check_fail', { reason: '井盖未固定' }],
      [dept, 'sign'],
      [dept, 'submit', { note: '已固定' }],
      [command, 'request_check'],
      [command, 'check_pass'],
      [command, 'close'],
    ];
    for (const [session, action, payload] of steps) {
      const response = await api.act(session, id, action, payload);
      expect({ action, status: response.statusCode }, response.body).toEqual({ action, status: 200 });
    }

    const ids = new Map((await t.app.db.selectFrom('app_user').select(['id', 'username']).where('username', 'in', ['command', 'dept']).execute()).map((u) => [u.username, u.id]));
    const stat = await t.app.db.selectFrom('event_stat').selectAll().where('event_id', '=', id).executeTakeFirstOrThrow();
    expect(stat).toMatchObject({ first_dispatched_by: ids.get('command'), handled_by: ids.get('dept') });
    expect([...stat.dispatch_unit_ids].sort()).toEqual([enf, env].sort());
    expect(stat.registered_at).toBeInstanceOf(Date);

    const after = await snapshot();
    const codes = ['reports', 'valid_reports', 'registered', 'dispatched', 'due_handling', 'handled', 'handled_on_time', 'due_close', 'closed', 'closed_on_time', 'dispatched_closed', 'accurate_dispatch', 'reworked'];
    const one = { reports: 1, valid_reports: 1, registered: 1, dispatched: 1, due_handling: 1, handled: 1, handled_on_time: 1, due_close: 1, closed: 1, closed_on_time: 1, dispatched_closed: 1, accurate_dispatch: 0, reworked: 1 };
    expect(delta(after.grid, before.grid, codes)).toEqual(one);
    expect(delta(after.reporter, before.reporter, codes)).toEqual(one);
    expect(delta(after.dispatcher, before.dispatcher, codes)).toEqual(one);
    expect(delta(after.handler, before.handler, codes)).toEqual(one);
  });
});
