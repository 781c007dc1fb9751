import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { homeGrid, orgId, pointIn, testCategory } from '../../../test/event-fixtures.ts';
import { caseWalker } from '../../../test/supervision-fixtures.ts';

/** 回访: one per closure, by staff on the phone or by the reporter on the H5 page; dissatisfied reopens as rework. */
describe('satisfaction callbacks', () => {
  let t: TestApp;
  let command: Session;
  let dept: Session;
  let walker: ReturnType<typeof caseWalker>;
  let enf: number;

  beforeAll(async () => {
    t = await createTestApp();
    [command, dept] = await Promise.all([t.login('command'), t.login('dept')]);
    walker = caseWalker(t, { command, dept });
    await testCategory(t.app, 'E9913', { value: 3, unit: 'work_day' });
    enf = await orgId(t.app, 'GL-ENF');
  });
  afterAll(() => t.close());

  const callback = (session: Session, id: number, payload: Record<string, unknown>) => t.as(session, { method: 'POST', url: `/api/supervision/events/${id}/callback`, payload });
  const rows = (id: number) => t.app.db.selectFrom('event_callback').selectAll().where('event_id', '=', id).execute();
  const event = (id: number) => t.app.db.selectFrom('event').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('records one satisfied callback per closure, for the unit that handled it', async () => {
    const { id } = await walker.closed('E9913');
    const closed = await event(id);
    const first = await callback(command, id, { satisfaction: 'basically_satisfied', resolved: true, comment: '处理及时' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ canCallback: false, callbacks: [{ satisfaction: 'basically_satisfied', channel: 'staff', recordedByName: '王指挥', handlingUnitName: '古林综合行政执法队' }] });
    const [row] = await rows(id);
    expect(row).toMatchObject({ closed_at: closed.closed_at, division_code: closed.division_code, handling_unit_id: enf, resolved: true, valid: true, contacted: true, comment: '处理及时' });
    expect(await event(id)).toMatchObject({ state: 'closed', rework_count: 0, version: closed.version });
    const last = (await t.as(command, { method: 'GET', url: `/api/events/${id}` })).json().timeline.at(-1);
    expect(last).toMatchObject({ action: 'callback', fromState: 'closed', toState: 'closed', note: '处理及时', details: { satisfaction: 'basically_satisfied', channel: 'staff' } });

    const second = await callback(command, id, { satisfaction: 'dissatisfied', resolved: false });
    expect([second.statusCode, second.json().code]).toEqual([409, 'CALLBACK_EXISTS']);
    expect(await rows(id)).toHaveLength(1);
    expect((await event(id)).state).toBe('closed');
  });

  it('refuses a callback before closure and for channels that get none', async () => {
    const open = await walker.dispatched('E9913');
    const early = await callback(command, open.id, { satisfaction: 'satisfied', resolved: true });
    expect([early.statusCode, early.json().code]).toEqual([409, 'CALLBACK_NOT_CLOSED']);
    const patrol = await walker.closed('E9913', 'patrol');
    const notPublic = await callback(command, patrol.id, { satisfaction: 'satisfied', resolved: true });
    expect([notPublic.statusCode, notPublic.json().code]).toEqual([409, 'CALLBACK_NOT_APPLICABLE']);
    expect([...(await rows(open.id)), ...(await rows(patrol.id))]).toEqual([]);
    // Only the command center records callbacks.
    const byDept = await callback(dept, open.id, { satisfaction: 'satisfied', resolved: true });
    expect([byDept.statusCode, byDept.json().code]).toEqual([403, 'FORBIDDEN']);
  });

  it('reopens a case to dispatch on a dissatisfied callback and counts rework, in one step', async () => {
    const { id } = await walker.closed('E9913');
    const closedAt = (await event(id)).closed_at;
    const response = await callback(command, id, { satisfaction: 'dissatisfied', resolved: false, comment: '垃圾又堆起来了' });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().canCallback).toBe(false);
    expect(await event(id)).toMatchObject({ state: 'pending_dispatch', phase: 'dispatch', rework_count: 1, closed_at: null, handling_unit_id: null });
    expect(await rows(id)).toMatchObject([{ satisfaction: 'dissatisfied', resolved: false, closed_at: closedAt, handling_unit_id: enf }]);
    const timeline = (await t.as(command, { method: 'GET', url: `/api/events/${id}` })).json().timeline;
    expect(timeline.slice(-2).map((h: { action: string; toState: string }) => [h.action, h.toState])).toEqual([
      ['callback', 'closed'],
      ['reopen', 'pending_dispatch'],
    ]);
    const audits = await t.app.db.selectFrom('audit_log').select(['action', 'request_id']).where((eb) => eb.or([eb.and([eb('entity_type', '=', 'event'), eb('entity_id', '=', String(id))]), eb('entity_type', '=', 'event_callback')])).orderBy('id', 'desc').limit(2).execute();
    expect(audits.map((a) => a.action).sort()).toEqual(['event:case:callback', 'event:case:reopen']);
    expect(audits[0]!.request_id).toBe(audits[1]!.request_id);
    // The command center is told to dispatch it again.
    const notices = (await t.as(command, { method: 'GET', url: '/api/notices' })).json().items;
    expect(notices[0]).toMatchObject({ kind: 'callback.dissatisfied', entityId: String(id) });

    // Handled and closed again: the new closure gets its own callback.
    await walker.step(command, id, 'dispatch', { organizationId: enf });
    await walker.closeFromDispatched(id);
    const again = await callback(command, id, { satisfaction: 'satisfied', resolved: true });
    expect(again.statusCode, again.body).toBe(201);
    expect(await rows(id)).toHaveLength(2);
  });

  it('lets only one of two simultaneous callbacks through', async () => {
    const { id } = await walker.closed('E9913');
    const both = await Promise.all([
      callback(command, id, { satisfaction: 'dissatisfied', resolved: false }),
      callback(command, id, { satisfaction: 'dissatisfied', resolved: false }),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    // The loser finds the callback given, or the case already reopened by it.
    expect(['CALLBACK_EXISTS', 'CALLBACK_NOT_CLOSED']).toContain(both.find((r) => r.statusCode === 409)!.json().code);
    expect(await rows(id)).toHaveLength(1);
    expect(await event(id)).toMatchObject({ state: 'pending_dispatch', rework_count: 1 });
  });

  describe('on the resident H5 page', () => {
    async function publicCase() {
      const receipt = await t.app.inject({ method: 'POST', url: '/api/public/events', payload: { categoryCode: 'E9913', description: '小区门口路灯不亮', location: await pointIn(t.app, homeGrid), name: '李先生', phone: '13900002222' } });
      expect(receipt.statusCode, receipt.body).toBe(201);
      const { code, followToken } = receipt.json() as { code: string; followToken: string };
      const stored = await t.app.db.selectFrom('event').select('id').where('code', '=', code).executeTakeFirstOrThrow();
      return { id: stored.id, code, token: followToken };
    }
    const status = (code: string, token: string) => t.app.inject({ method: 'GET', url: `/api/public/callbacks/${code}?token=${encodeURIComponent(token)}` });
    const give = (code: string, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: `/api/public/callbacks/${code}`, payload });

    it('takes the reporter’s callback once the case is closed, and shows it afterwards', async () => {
      const { id, code, token } = await publicCase();
      expect((await status(code, token)).json()).toEqual({ canCallback: false, callback: null });
      const early = await give(code, { token, satisfaction: 'satisfied', resolved: true });
      expect([early.statusCode, early.json().code]).toEqual([409, 'CALLBACK_NOT_CLOSED']);

      await walker.step(command, id, 'accept');
      await walker.step(command, id, 'register');
      await walker.step(command, id, 'dispatch', { organizationId: enf });
      await walker.closeFromDispatched(id);
      expect((await status(code, token)).json()).toEqual({ canCallback: true, callback: null });

      const given = await give(code, { token, satisfaction: 'satisfied', resolved: true, comment: '修好了，谢谢' });
      expect(given.statusCode, given.body).toBe(201);
      expect(given.json()).toMatchObject({ canCallback: false, callback: { satisfaction: 'satisfied', resolved: true, comment: '修好了，谢谢' } });
      expect(given.body).not.toMatch(/李先生|1390000/);
      expect(await rows(id)).toMatchObject([{ channel: 'h5', recorded_by: null, handling_unit_id: enf }]);
      const twice = await give(code, { token, satisfaction: 'dissatisfied', resolved: false });
      expect([twice.statusCode, twice.json().code]).toEqual([409, 'CALLBACK_EXISTS']);
    });

    it('answers a wrong token like an unknown case (404) and writes nothing', async () => {
      const { id, code } = await publicCase();
      await walker.step(command, id, 'accept');
      await walker.step(command, id, 'register');
      await walker.step(command, id, 'dispatch', { organizationId: enf });
      await walker.closeFromDispatched(id);
      const wrong = await give(code, { token: 'guess', satisfaction: 'dissatisfied', resolved: false });
      const unknown = await give('330203103-20200101-00001', { token: 'guess', satisfaction: 'dissatisfied', resolved: false });
      expect([wrong.statusCode, unknown.statusCode, wrong.json().code]).toEqual([404, 404, 'NOT_FOUND']);
      expect((await status(code, 'guess')).statusCode).toBe(404);
      expect(await rows(id)).toEqual([]);
      expect((await event(id)).state).toBe('closed');
    });

    it('reopens the case when the reporter is dissatisfied', async () => {
      const { id, code, token } = await publicCase();
      await walker.step(command, id, 'accept');
      await walker.step(command, id, 'register');
      await walker.step(command, id, 'dispatch', { organizationId: enf });
      await walker.closeFromDispatched(id);
      const given = await give(code, { token, satisfaction: 'dissatisfied', resolved: false, comment: '灯还是不亮' });
      expect(given.statusCode, given.body).toBe(201);
      // The reporter still sees what they said; the case is open again.
      expect(given.json()).toMatchObject({ canCallback: false, callback: { satisfaction: 'dissatisfied', comment: '灯还是不亮' } });
      expect(await event(id)).toMatchObject({ state: 'pending_dispatch', rework_count: 1 });
      const reopen = await t.app.db.selectFrom('event_history').selectAll().where('event_id', '=', id).orderBy('id', 'desc').executeTakeFirstOrThrow();
      expect(reopen).toMatchObject({ action: 'reopen', actor_type: 'public', note: '灯还是不亮' });
    });
  });
});
