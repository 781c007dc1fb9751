import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { orgId, testCategory } from '../../../test/event-fixtures.ts';
import { caseWalker } from '../../../test/supervision-fixtures.ts';

/** 挂牌督办 by a leader, the written reply of the addressed unit (only it, only once), closing, the list. */
describe('listed supervision (挂牌督办)', () => {
  let t: TestApp;
  let command: Session;
  let dept: Session;
  let leader: Session;
  let walker: ReturnType<typeof caseWalker>;
  let enf: number;

  beforeAll(async () => {
    t = await createTestApp();
    [command, dept, leader] = await Promise.all([t.login('command'), t.login('dept'), t.login('leader')]);
    walker = caseWalker(t, { command, dept });
    await testCategory(t.app, 'E9912', { value: 3, unit: 'work_day' });
    enf = await orgId(t.app, 'GL-ENF');
  });
  afterAll(() => t.close());

  const inDays = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();
  const list = (session: Session, eventId: number, payload: Record<string, unknown> = { requirement: '三日内清理完毕并书面说明原因', replyDeadline: inDays(3) }) =>
    t.as(session, { method: 'POST', url: `/api/supervision/events/${eventId}/list`, payload });
  const reply = (session: Session, id: number, text: string) => t.as(session, { method: 'POST', url: `/api/supervision/${id}/reply`, payload: { reply: text } });
  const rows = (eventId: number) => t.app.db.selectFrom('event_supervision').selectAll().where('event_id', '=', eventId).orderBy('id').execute();
  const level = async (eventId: number) => (await t.app.db.selectFrom('event').select('supervision_level').where('id', '=', eventId).executeTakeFirstOrThrow()).supervision_level;
  const userId = async (username: string) => (await t.app.db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;

  it('lists an event to its handling unit, takes one written reply from that unit only, and closes', async () => {
    const { id } = await walker.dispatched('E9912');
    const listed = await list(leader, id);
    expect(listed.statusCode, listed.body).toBe(200);
    const [row] = await rows(id);
    expect(row).toMatchObject({ level: 'listed', trigger: 'manual', organization_id: enf, requirement: '三日内清理完毕并书面说明原因', reply_required: true, status: 'open', created_by: await userId('leader') });
    expect(await level(id)).toBe('listed');
    expect(listed.json()).toMatchObject({ canList: false, items: [{ id: row!.id, level: 'listed', organizationName: '古林综合行政执法队', canReply: false, canClose: true }] });
    // The unit's notice, in the reader's language.
    const notices = (await t.as(dept, { method: 'GET', url: '/api/notices', headers: { 'accept-language': 'en' } })).json();
    expect(notices.items[0]).toMatchObject({ kind: 'supervision.listed', entityType: 'event', entityId: String(id) });
    expect(notices.items[0].text).toContain('Listed supervision: 陈镇长 listed event');
    // The timeline shows the step.
    const detail = (await t.as(leader, { method: 'GET', url: `/api/events/${id}` })).json();
    expect(detail.timeline.at(-1)).toMatchObject({ action: 'list', actorName: '陈镇长', organizationId: enf, note: '三日内清理完毕并书面说明原因' });

    // One open listing per event.
    const twice = await list(leader, id);
    expect([twice.statusCode, twice.json().code]).toEqual([409, 'SUPERVISION_ALREADY_LISTED']);

    // The panel offers the reply to the addressed unit only.
    expect((await t.as(dept, { method: 'GET', url: `/api/supervision/events/${id}` })).json().items[0].canReply).toBe(true);
    expect((await t.as(command, { method: 'GET', url: `/api/supervision/events/${id}` })).json().items[0].canReply).toBe(false);

    const auditBefore = await t.app.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    // Another unit (the command center sees the event, but is not addressed): refused, nothing written.
    const wrong = await reply(command, row!.id, '已知悉');
    expect([wrong.statusCode, wrong.json().code]).toEqual([403, 'SUPERVISION_NOT_TARGET_UNIT']);
    // An empty reply: refused, naming the field.
    const empty = await reply(dept, row!.id, '   ');
    expect(empty.statusCode).toBe(400);
    expect(empty.json()).toMatchObject({ code: 'SUPERVISION_REPLY_REQUIRED', fields: [{ field: '/reply' }] });
    expect(await rows(id)).toEqual([row]);
    const auditAfter = await t.app.db.selectFrom('audit_log').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(auditAfter.n).toBe(auditBefore.n);

    const answered = await reply(dept, row!.id, '已安排执法一中队明日清理，并约谈责任商户');
    expect(answered.statusCode, answered.body).toBe(200);
    expect((await rows(id))[0]).toMatchObject({ status: 'replied', reply: '已安排执法一中队明日清理，并约谈责任商户', replied_by: await userId('dept') });
    expect(await level(id)).toBe('listed');
    const leaderNotice = (await t.as(leader, { method: 'GET', url: '/api/notices' })).json().items[0];
    expect(leaderNotice).toMatchObject({ kind: 'supervision.replied', entityId: String(id) });
    expect(leaderNotice.text).toContain('古林综合行政执法队已书面回复');

    const again = await reply(dept, row!.id, '补充说明');
    expect([again.statusCode, again.json().code]).toEqual([409, 'SUPERVISION_ALREADY_REPLIED']);

    // The leader ends it; the event carries no supervision any more.
    const closed = await t.as(leader, { method: 'POST', url: `/api/supervision/${row!.id}/close`, payload: { note: '回复属实' } });
    expect(closed.statusCode, closed.body).toBe(200);
    expect(closed.json()).toMatchObject({ canList: true, items: [{ status: 'closed', canClose: false }] });
    expect(await level(id)).toBeNull();
    const late = await reply(dept, row!.id, '再补充');
    expect([late.statusCode, late.json().code]).toEqual([409, 'SUPERVISION_CLOSED']);
    const closeAgain = await t.as(leader, { method: 'POST', url: `/api/supervision/${row!.id}/close`, payload: {} });
    expect(closeAgain.json().code).toBe('SUPERVISION_CLOSED');
    const history = (await t.as(leader, { method: 'GET', url: `/api/events/${id}` })).json().timeline.map((h: { action: string }) => h.action);
    expect(history.slice(-3)).toEqual(['list', 'reply_supervision', 'close_supervision']);
  });

  it('addresses the command center before dispatch and ends with the event', async () => {
    const { id } = await walker.report('E9912');
    expect((await list(leader, id)).statusCode).toBe(200);
    expect((await rows(id))[0]!.organization_id).toBe(await orgId(t.app, 'GL-CMD'));
    await walker.step(command, id, 'cancel', { reason: '重复上报' });
    expect((await rows(id)).map((s) => s.status)).toEqual(['closed']);
    expect(await level(id)).toBeNull();
    const closedEvent = await list(leader, id);
    expect([closedEvent.statusCode, closedEvent.json().code]).toEqual([409, 'SUPERVISION_EVENT_CLOSED']);
  });

  it('refuses bad input and people without the permission', async () => {
    const { id } = await walker.dispatched('E9912');
    const past = await list(leader, id, { requirement: '尽快处理', replyDeadline: inDays(-1) });
    expect(past.json()).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: '/replyDeadline', code: 'SUPERVISION_REPLY_DEADLINE' }] });
    const blank = await list(leader, id, { requirement: '  ', replyDeadline: inDays(1) });
    expect(blank.json()).toMatchObject({ code: 'SUPERVISION_REQUIREMENT_REQUIRED', fields: [{ field: '/requirement' }] });
    const byDept = await list(dept, id);
    expect([byDept.statusCode, byDept.json().code]).toEqual([403, 'FORBIDDEN']);
    expect(await rows(id)).toEqual([]);
  });

  it('lists supervision for the command room with filters', async () => {
    const { id } = await walker.dispatched('E9912');
    await list(leader, id);
    const [row] = await rows(id);
    const page = (query: string) => t.as(command, { method: 'GET', url: `/api/supervision?pageSize=100&${query}` }).then((r) => r.json());
    const listed = await page('level=listed&status=open');
    expect(listed.items.map((s: { id: number }) => s.id)).toContain(row!.id);
    expect(listed.items.every((s: { level: string; status: string }) => s.level === 'listed' && s.status === 'open')).toBe(true);
    const item = listed.items.find((s: { id: number }) => s.id === row!.id);
    expect(item.event).toMatchObject({ id, state: 'pending_sign', light: 'green' });
    expect((await page('level=remind')).items.map((s: { id: number }) => s.id)).not.toContain(row!.id);
    expect((await page('divisionCode=330203103202')).items.map((s: { id: number }) => s.id)).not.toContain(row!.id);
    // Its reply falls due and is missing.
    expect((await page('overdueReply=true')).items.map((s: { id: number }) => s.id)).not.toContain(row!.id);
    await t.app.db.updateTable('event_supervision').set({ reply_deadline: new Date(Date.now() - 60_000) }).where('id', '=', row!.id).execute();
    const overdue = (await page('overdueReply=true')).items.find((s: { id: number }) => s.id === row!.id);
    expect(overdue).toMatchObject({ replyOverdue: true });
    // Grid workers have no supervision list.
    expect((await t.as(await t.login('grid'), { method: 'GET', url: '/api/supervision' })).statusCode).toBe(403);
  });
});
