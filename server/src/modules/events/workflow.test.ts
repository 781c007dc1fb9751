import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { eventsClient, homeGrid, orgId, pointIn, testCategory } from '../../../test/event-fixtures.ts';
import { multipart, multipartHeaders, testPng } from '../../../test/fixtures.ts';

/** Every path of the closed loop through the HTTP API, each step by the role that does it. */
describe('event workflow over HTTP', () => {
  let t: TestApp;
  let api: ReturnType<typeof eventsClient>;
  let command: Session;
  let dept: Session;
  let grid: Session;
  let leader: Session;
  let enf: number;
  let point: { lng: number; lat: number };

  beforeAll(async () => {
    t = await createTestApp();
    api = eventsClient(t);
    [command, dept, grid, leader] = await Promise.all([t.login('command'), t.login('dept'), t.login('grid'), t.login('leader')]);
    await testCategory(t.app, 'E9901', { value: 4, unit: 'work_hour' });
    enf = await orgId(t.app, 'GL-ENF');
    point = await pointIn(t.app, homeGrid);
  });
  afterAll(() => t.close());

  /** A hotline report (starts at 受理), returned with its id. */
  async function hotlineEvent(extra: Record<string, unknown> = {}) {
    const response = await api.report(command, { source: 'hotline', categoryCode: 'E9901', description: '路边堆放垃圾', location: point, address: '薛家村口', ...extra });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().event as { id: number; state: string; code: string; version: number };
  }

  async function step(session: Session, id: number, action: string, payload: Record<string, unknown> = {}, status = 200) {
    const response = await api.act(session, id, action, payload);
    expect({ action, status: response.statusCode, body: response.statusCode === status ? '' : response.body }).toEqual({ action, status, body: '' });
    return response.json();
  }

  /** Up to 待签收 at the enforcement team. */
  async function dispatched() {
    const event = await hotlineEvent();
    await step(command, event.id, 'accept');
    await step(command, event.id, 'register');
    await step(command, event.id, 'dispatch', { organizationId: enf });
    return event.id;
  }

  it('runs the whole loop: 受理 → 核实 → 立案 → 派遣 → 签收 → 处置 → 核查 → 结案', async () => {
    const event = await hotlineEvent();
    expect(event.state).toBe('reported');
    expect(event.code).toMatch(/^330203103-\d{8}-\d{5}$/);
    await step(command, event.id, 'request_verify');
    await step(grid, event.id, 'verify', { note: '现场确有垃圾' });
    await step(command, event.id, 'register');
    const afterDispatch = await step(command, event.id, 'dispatch', { organizationId: enf });
    expect(afterDispatch.event).toMatchObject({ state: 'pending_sign', handlingUnitId: enf, phase: 'handle' });
    expect(afterDispatch.event.handleDeadline).not.toBeNull();
    await step(dept, event.id, 'sign');
    const photo = (await t.as(dept, { method: 'POST', url: '/api/files', payload: multipart('after.png', await testPng(64, 64)), headers: multipartHeaders })).json();
    await step(dept, event.id, 'submit', { note: '已清理', fileIds: [photo.id] });
    await step(command, event.id, 'request_check');
    await step(grid, event.id, 'check_pass');
    const closed = await step(command, event.id, 'close');
    expect(closed.event).toMatchObject({ state: 'closed', closeType: 'normal', phase: null });
    expect(closed.timeline.map((h: { action: string }) => h.action)).toEqual(['report', 'request_verify', 'verify', 'register', 'dispatch', 'sign', 'submit', 'request_check', 'check_pass', 'close']);
    expect(closed.photos.after.map((p: { id: number }) => p.id)).toEqual([photo.id]);
    // Reopening is the callback's business: the closed case offers no reopen step.
    expect(closed.actions).not.toContain('reopen');
    // The photo now follows the event: the handler still sees it, another village does not.
    expect((await t.as(dept, { method: 'GET', url: `/api/files/${photo.id}` })).statusCode).toBe(200);
    expect((await t.as(await t.login('v205'), { method: 'GET', url: `/api/files/${photo.id}` })).statusCode).toBe(404);
  });

  it('lets the unit return a case with a reason, and counts rework when the check fails', async () => {
    const id = await dispatched();
    const noReason = await api.act(dept, id, 'return', {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().code).toBe('REASON_REQUIRED');
    const returned = await step(dept, id, 'return', { reason: '不属于本单位职责' });
    expect(returned.event).toMatchObject({ state: 'pending_dispatch', returnCount: 1, handlingUnitId: null });

    await step(command, id, 'dispatch', { organizationId: enf });
    await step(dept, id, 'sign');
    await step(dept, id, 'submit');
    await step(command, id, 'request_check');
    const failed = await step(grid, id, 'check_fail', { reason: '仍有残留' });
    expect(failed.event).toMatchObject({ state: 'pending_sign', reworkCount: 1, handlingUnitId: enf });
  });

  it('refuses illegal transitions, wrong roles and other units', async () => {
    const event = await hotlineEvent();
    const illegal = await api.act(command, event.id, 'close');
    expect(illegal.statusCode).toBe(409);
    expect(illegal.json().code).toBe('ILLEGAL_TRANSITION');
    const wrongRole = await api.act(grid, event.id, 'accept');
    expect(wrongRole.statusCode).toBe(403);
    expect(wrongRole.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect(wrongRole.json().detail).toContain('event:case:accept');
    // The department does not even see an event that is not its own.
    expect((await api.act(dept, event.id, 'sign')).statusCode).toBe(404);
    expect((await api.get(dept, event.id)).statusCode).toBe(404);
    const other = await t.login('v205');
    expect((await api.get(other, event.id)).statusCode).toBe(404);
    expect((await api.act(other, event.id, 'accept')).statusCode).toBe(404);
    const stored = await t.app.db.selectFrom('event').select(['state', 'version']).where('id', '=', event.id).executeTakeFirstOrThrow();
    expect(stored).toEqual({ state: 'reported', version: 0 });
  });

  it('offers each role only the actions it may take', async () => {
    const id = await dispatched();
    expect((await api.get(dept, id)).json().actions).toEqual(['sign', 'return', 'request_extension']);
    expect((await api.get(command, id)).json().actions).toEqual(['co_assign', 'suspend', 'cancel']);
    expect((await api.get(leader, id)).json().actions).toEqual(['suspend', 'force_close']);
  });

  it('treats a second click with the same clientActionId as the first', async () => {
    const event = await hotlineEvent();
    const first = await step(command, event.id, 'accept', { clientActionId: 'click-1' });
    const again = await step(command, event.id, 'accept', { clientActionId: 'click-1' });
    expect(again.event.version).toBe(first.event.version);
    expect(again.timeline).toHaveLength(2);
  });

  it('lets exactly one of two racing actions win', async () => {
    const event = await hotlineEvent();
    const responses = await Promise.all([api.act(command, event.id, 'accept'), api.act(command, event.id, 'request_verify'), api.act(command, event.id, 'accept')]);
    const statuses = responses.map((r) => r.statusCode).sort();
    expect(statuses).toEqual([200, 409, 409]);
    for (const loser of responses.filter((r) => r.statusCode === 409)) expect(['CONFLICT', 'ILLEGAL_TRANSITION']).toContain(loser.json().code);
    const history = await t.app.db.selectFrom('event_history').select('action').where('event_id', '=', event.id).execute();
    expect(history).toHaveLength(2);
  });

  it('adds co-handling units who then see and may work the case', async () => {
    const id = await dispatched();
    const env = await orgId(t.app, 'GL-ENV');
    const added = await step(command, id, 'co_assign', { coUnitIds: [env] });
    expect(added.event.coUnits.map((u: { id: number }) => u.id)).toEqual([env]);
    const outside = await api.act(command, id, 'co_assign', { coUnitIds: [999999] });
    expect(outside.json().code).toBe('INVALID_REFERENCE');
  });

  it('cancels with a reason, force-closes as special and reopens only after a dissatisfied callback', async () => {
    const a = await hotlineEvent();
    expect((await api.act(command, a.id, 'cancel', {})).json().code).toBe('REASON_REQUIRED');
    expect((await step(command, a.id, 'cancel', { reason: '重复上报' })).event.state).toBe('cancelled');
    const b = await dispatched();
    const forced = await step(leader, b, 'force_close', { reason: '领导决定' });
    expect(forced.event).toMatchObject({ state: 'closed', closeType: 'special' });

    // The command center holds event:case:callback, yet the action route does not reopen: no callback, no 重办.
    const audits = async () => Number((await t.app.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).where('action', '=', 'event:case:reopen').executeTakeFirstOrThrow()).n);
    const auditsBefore = await audits();
    const refused = await api.act(command, b, 'reopen', { note: '回访不满意', reason: '领导要求' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('REOPEN_NEEDS_CALLBACK');
    // Leaders close cases by decision (force_close) but do not record callbacks; nor do units.
    for (const session of [leader, dept]) expect((await api.act(session, b, 'reopen', { reason: '领导要求' })).statusCode).toBe(403);
    const still = (await t.as(command, { method: 'GET', url: `/api/events/${b}` })).json();
    expect(still.event).toMatchObject({ state: 'closed', closeType: 'special', reworkCount: 0 });
    expect(still.actions).not.toContain('reopen');
    expect(await audits()).toBe(auditsBefore);

    // The allowed path: the callback recorded as dissatisfied reopens it, in the same step.
    const callback = await t.as(command, { method: 'POST', url: `/api/supervision/events/${b}/callback`, payload: { satisfaction: 'dissatisfied', resolved: false, comment: '回访不满意' } });
    expect(callback.statusCode, callback.body).toBe(201);
    const reopened = (await t.as(command, { method: 'GET', url: `/api/events/${b}` })).json();
    expect(reopened.event).toMatchObject({ state: 'pending_dispatch', closeType: null, reworkCount: 1 });
    expect(await audits()).toBe(auditsBefore + 1);
  });

  it('shows the queues and lists them with deadlines and lights', async () => {
    const id = await dispatched();
    const counts = (await t.as(dept, { method: 'GET', url: '/api/events/queues' })).json().items;
    expect(counts.find((q: { queue: string }) => q.queue === 'handle').count).toBeGreaterThan(0);
    const page = (await t.as(dept, { method: 'GET', url: '/api/events?queue=handle&pageSize=100' })).json();
    expect(page.items.map((e: { id: number }) => e.id)).toContain(id);
    // 李执法's organisation subtree: the enforcement team and its two squads.
    const units = (await t.app.db.selectFrom('organization').select('id').where('code', 'like', 'GL-ENF%').execute()).map((o) => o.id);
    expect(page.items.every((e: { handlingUnitId: number }) => units.includes(e.handlingUnitId))).toBe(true);
    const row = page.items.find((e: { id: number }) => e.id === id);
    expect(row).toMatchObject({ state: 'pending_sign', light: 'green' });
    const deadlines = page.items.map((e: { phaseDeadline: string }) => e.phaseDeadline);
    expect(deadlines).toEqual([...deadlines].sort());
    // The grid worker: only the unit grids of the responsibility grids they serve (their home grid among them).
    const served = (await t.as(grid, { method: 'GET', url: '/api/auth/me' })).json().scopeDivisionCodes as string[];
    expect(served).toContain(homeGrid);
    const grids = (await t.as(grid, { method: 'GET', url: '/api/events?pageSize=100' })).json();
    expect(grids.items.every((e: { divisionCode: string }) => served.includes(e.divisionCode))).toBe(true);
  });
});
