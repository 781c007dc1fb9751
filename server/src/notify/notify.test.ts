import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../test/test-app.ts';
import { orgId } from '../../test/event-fixtures.ts';
import type { WrittenNotice } from './notifier.ts';

/** In-app notices: written per recipient in a transaction, readable and markable only by that recipient, pushed live. */
describe('in-app notices', () => {
  let t: TestApp;
  let dept: Session;
  let command: Session;
  let deptId: number;

  beforeAll(async () => {
    t = await createTestApp();
    [dept, command] = await Promise.all([t.login('dept'), t.login('command')]);
    deptId = (await t.app.db.selectFrom('app_user').select('id').where('username', '=', 'dept').executeTakeFirstOrThrow()).id;
  });
  afterAll(() => t.close());

  const params = { code: '330203103-20260101-00001', title: '路灯不亮', deadline: '2026-01-02 17:30' };
  const write = (recipients: Parameters<TestApp['app']['notices']['write']>[1]) =>
    t.app.db.transaction().execute((trx) => t.app.notices.write(trx, recipients, { kind: 'supervision.remind', params, entity: { type: 'event', id: 1 } }));
  const mine = (session: Session, query = '') => t.as(session, { method: 'GET', url: `/api/notices${query}` }).then((r) => r.json());

  it('writes one notice per active user of an organisation, visible to that user only', async () => {
    const written = await write({ organizationId: await orgId(t.app, 'GL-ENF') });
    expect(written.map((n) => n.userId)).toEqual([deptId]);
    const [notice] = written;
    const list = await mine(dept);
    expect(list.unread).toBe(1);
    expect(list.items).toEqual([
      { id: notice!.id, kind: 'supervision.remind', params, text: `催办：事件 ${params.code}「路灯不亮」本环节时限将到（黄灯），请于 2026-01-02 17:30 前办理`, entityType: 'event', entityId: '1', createdAt: expect.any(String), readAt: null },
    ]);
    expect((await t.as(dept, { method: 'GET', url: '/api/notices', headers: { 'accept-language': 'en' } })).json().items[0].text).toBe(
      `Reminder: event ${params.code} "路灯不亮" is near the time limit of this step (yellow light); please act by 2026-01-02 17:30`,
    );
    expect((await mine(command)).items.map((n: { id: number }) => n.id)).not.toContain(notice!.id);

    // Someone else's notice is not there to mark.
    const foreign = await t.as(command, { method: 'POST', url: `/api/notices/${notice!.id}/read` });
    expect([foreign.statusCode, foreign.json().code]).toEqual([404, 'NOT_FOUND']);
    expect((await mine(dept)).unread).toBe(1);

    const read = await t.as(dept, { method: 'POST', url: `/api/notices/${notice!.id}/read` });
    expect(read.statusCode, read.body).toBe(200);
    expect((await t.as(dept, { method: 'GET', url: '/api/notices/unread-count' })).json()).toEqual({ count: 0 });
    const audit = await t.app.db.selectFrom('audit_log').select(['action', 'actor_name']).where('entity_type', '=', 'notification').where('entity_id', '=', String(notice!.id)).execute();
    expect(audit).toEqual([{ action: 'notice:notice:read', actor_name: '李执法' }]);
    // Reading it again changes nothing.
    expect((await t.as(dept, { method: 'POST', url: `/api/notices/${notice!.id}/read` })).json().readAt).toBe(read.json().readAt);
  });

  it('prefers the unit head when asked, skips disabled users, and marks all read', async () => {
    await write({ userIds: [deptId, deptId] });
    await write({ organizationId: await orgId(t.app, 'GL-ENF'), preferRole: 'unit_head' });
    expect((await mine(dept, '?unread=true')).items).toHaveLength(2);
    const all = await t.as(dept, { method: 'POST', url: '/api/notices/read-all' });
    expect(all.json()).toEqual({ count: 2 });
    expect((await mine(dept)).unread).toBe(0);
    expect((await t.as(dept, { method: 'POST', url: '/api/notices/read-all' })).json()).toEqual({ count: 0 });

    await t.app.db.updateTable('app_user').set({ status: 'disabled' }).where('id', '=', deptId).execute();
    try {
      expect(await write({ organizationId: await orgId(t.app, 'GL-ENF') })).toEqual([]);
    } finally {
      await t.app.db.updateTable('app_user').set({ status: 'active' }).where('id', '=', deptId).execute();
    }
  });

  it('writes nothing when the transaction rolls back', async () => {
    const before = (await mine(dept)).total;
    await expect(
      t.app.db.transaction().execute(async (trx) => {
        await t.app.notices.write(trx, { userIds: [deptId] }, { kind: 'supervision.remind', params });
        throw new Error('the step failed');
      }),
    ).rejects.toThrow('the step failed');
    expect((await mine(dept)).total).toBe(before);
  });

  it('pushes a committed notice to its recipient only, and to every channel', async () => {
    const base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const extra: WrittenNotice[] = [];
    t.app.notices.addChannel({ name: 'test-outreach', deliver: (notices) => void extra.push(...notices) });
    const open = async (session: Session) => {
      const controller = new AbortController();
      const response = await fetch(`${base}/api/stream`, { headers: { cookie: session.cookie }, signal: controller.signal });
      return { reader: response.body!.getReader(), controller };
    };
    const [deptStream, commandStream] = await Promise.all([open(dept), open(command)]);
    const written = await write({ userIds: [deptId] });
    t.app.notices.deliver(written);
    const received = async (stream: Awaited<ReturnType<typeof open>>) => {
      const timer = setTimeout(() => stream.controller.abort(), 1500);
      let text = '';
      try {
        while (!text.includes('notice.created')) {
          const { value, done } = await stream.reader.read();
          if (done) break;
          text += new TextDecoder().decode(value);
        }
      } catch {
        // aborted: nothing more came
      } finally {
        clearTimeout(timer);
        stream.controller.abort();
      }
      return text;
    };
    const [toDept, toCommand] = await Promise.all([received(deptStream), received(commandStream)]);
    expect(toDept).toContain(`event: notice.created\ndata: {"id":${written[0]!.id}`);
    expect(toCommand).not.toContain('notice.created');
    expect(extra.map((n) => n.id)).toEqual([written[0]!.id]);
  });

  it('has no inbox for API tokens', async () => {
    const admin = await t.login('admin');
    const token = (await t.as(admin, { method: 'POST', url: '/api/system/tokens', payload: { name: 'notices-probe', scopes: ['event:case:read'] } })).json();
    const response = await t.app.inject({ method: 'GET', url: '/api/notices', headers: { authorization: `Bearer ${token.token}` } });
    expect([response.statusCode, response.json().code]).toEqual([403, 'NOTICE_USERS_ONLY']);
  });
});
