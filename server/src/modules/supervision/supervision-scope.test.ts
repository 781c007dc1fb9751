import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, parameterisedRoutes, type Session, type TestApp } from '../../../test/test-app.ts';
import { pointIn } from '../../../test/event-fixtures.ts';

/**
 * A village-A actor holding every permission: village B's supervision, callbacks and someone else's
 * notices answer 404 like missing ones on every parameterised route, change nothing, and never appear
 * in A's supervision list.
 */
const villageA = '330203103201';
const gridOfB = '33020310320201';

describe('supervision data scope', () => {
  let t: TestApp;
  let a: Session;
  let ofB = { id: 0, code: '' };
  let supervisionOfB = 0;
  let noticeOfB = 0;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.login('admin');
    await t.as(admin, { method: 'POST', url: '/api/system/users', payload: { username: 'a_superuser', displayName: '甲村全权', password: 'Scope-Test-2026', divisionCode: villageA, organizationId: null, roles: ['admin'] } });
    a = await t.login('a_superuser', 'Scope-Test-2026');
    const command = await t.login('command');
    ofB = (await t.as(command, { method: 'POST', url: '/api/events', payload: { source: 'hotline', categoryCode: 'E0505', description: '机动车乱停放', location: await pointIn(t.app, gridOfB) } })).json().event;
    const listed = await t.as(await t.login('leader'), { method: 'POST', url: `/api/supervision/events/${ofB.id}/list`, payload: { requirement: '立即处理', replyDeadline: new Date(Date.now() + 86_400_000).toISOString() } });
    supervisionOfB = listed.json().items[0].id;
    // The listing's notice went to the command center.
    noticeOfB = (await t.as(command, { method: 'GET', url: '/api/notices' })).json().items[0].id;
  });
  afterAll(() => t.close());

  const probes = () => [
    { method: 'GET' as const, url: `/api/supervision/events/${ofB.id}` },
    { method: 'POST' as const, url: `/api/supervision/events/${ofB.id}/list`, payload: { requirement: '越权督办', replyDeadline: new Date(Date.now() + 86_400_000).toISOString() } },
    { method: 'POST' as const, url: `/api/supervision/events/${ofB.id}/callback`, payload: { satisfaction: 'dissatisfied', resolved: false } },
    { method: 'POST' as const, url: `/api/supervision/${supervisionOfB}/reply`, payload: { reply: '越权回复' } },
    { method: 'POST' as const, url: `/api/supervision/${supervisionOfB}/close`, payload: {} },
    { method: 'GET' as const, url: `/api/public/callbacks/${ofB.code}?token=guess` },
    { method: 'POST' as const, url: `/api/public/callbacks/${ofB.code}`, payload: { token: 'guess', satisfaction: 'dissatisfied', resolved: false } },
    { method: 'POST' as const, url: `/api/notices/${noticeOfB}/read` },
  ];

  it('covers every parameterised supervision, callback and notice route', () => {
    const covered = probes().map((p) => `${p.method} ${p.url.replace(/\?.*$/, '').replace(ofB.code, ':code').replace(/\/(\d+)(?=\/|$)/g, '/:id')}`);
    expect(parameterisedRoutes(t, ['/api/supervision', '/api/public/callbacks/', '/api/notices']).sort()).toEqual([...new Set(covered)].sort());
  });

  it('answers 404 for village B (and for notices of others) on every such route and changes nothing', async () => {
    const before = await t.app.db.selectFrom('event_supervision').selectAll().where('event_id', '=', ofB.id).execute();
    for (const probe of probes()) {
      const response = await t.as(a, probe);
      expect({ route: `${probe.method} ${probe.url}`, status: response.statusCode }).toEqual({ route: `${probe.method} ${probe.url}`, status: 404 });
      expect(response.json().code).toBe('NOT_FOUND');
    }
    expect(await t.app.db.selectFrom('event_supervision').selectAll().where('event_id', '=', ofB.id).execute()).toEqual(before);
    expect(await t.app.db.selectFrom('event_callback').selectAll().where('event_id', '=', ofB.id).execute()).toEqual([]);
    const notice = await t.app.db.selectFrom('notification').select('read_at').where('id', '=', noticeOfB).executeTakeFirstOrThrow();
    expect(notice.read_at).toBeNull();
    const event = await t.app.db.selectFrom('event').select(['state', 'version']).where('id', '=', ofB.id).executeTakeFirstOrThrow();
    expect(event).toEqual({ state: 'reported', version: 0 });
  });

  it('lists only supervision of A', async () => {
    const list = (await t.as(a, { method: 'GET', url: '/api/supervision?pageSize=500' })).json();
    expect(list.items.map((s: { id: number }) => s.id)).not.toContain(supervisionOfB);
    expect(list.items.every((s: { event: { divisionCode: string } }) => s.event.divisionCode.startsWith(villageA))).toBe(true);
    const town = (await t.as(await t.login('command'), { method: 'GET', url: '/api/supervision?pageSize=500' })).json();
    expect(town.items.map((s: { id: number }) => s.id)).toContain(supervisionOfB);
  });
});
