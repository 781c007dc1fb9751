import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, parameterisedRoutes, type Session, type TestApp } from '../../../test/test-app.ts';
import { pointIn } from '../../../test/event-fixtures.ts';

/**
 * A village-A actor holding every permission: village B's events answer 404 like missing ones on
 * every event route with an id, change nothing, and never appear in A's lists or queue counts.
 */
const villageA = '330203103201';
const gridOfB = '33020310320201';

describe('event data scope', () => {
  let t: TestApp;
  let a: Session;
  let ofA = { id: 0, code: '' };
  let ofB = { id: 0, code: '' };

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.login('admin');
    await t.as(admin, { method: 'POST', url: '/api/system/users', payload: { username: 'a_superuser', displayName: '甲村全权', password: 'Scope-Test-2026', divisionCode: villageA, organizationId: null, roles: ['admin'] } });
    a = await t.login('a_superuser', 'Scope-Test-2026');
    const report = async (session: Session, grid: string) =>
      (await t.as(session, { method: 'POST', url: '/api/events', payload: { source: 'hotline', categoryCode: 'E0505', description: '机动车乱停放', location: await pointIn(t.app, grid) } })).json().event;
    ofB = await report(await t.login('command'), gridOfB);
    ofA = await report(a, `${villageA}01`);
  });
  afterAll(() => t.close());

  const probes = () => [
    { method: 'GET' as const, url: `/api/events/${ofB.id}` },
    { method: 'POST' as const, url: `/api/events/${ofB.id}/actions/accept`, payload: {} },
    { method: 'POST' as const, url: `/api/events/${ofB.id}/merge`, payload: { intoId: ofA.id } },
    { method: 'GET' as const, url: `/api/public/events/${ofB.code}?token=guess` },
  ];

  it('covers every parameterised event route', () => {
    const covered = probes().map((p) => `${p.method} ${p.url.replace(/\?.*$/, '').replace(ofB.code, ':code').replace('/accept', '/:action').replace(/\/(\d+)(?=\/|$)/g, '/:id')}`);
    expect(parameterisedRoutes(t, ['/api/events/', '/api/public/events/']).sort()).toEqual([...new Set(covered)].sort());
  });

  it('answers 404 for village B on every such route and changes nothing', async () => {
    for (const probe of probes()) {
      const response = await t.as(a, probe);
      expect({ route: `${probe.method} ${probe.url}`, status: response.statusCode }).toEqual({ route: `${probe.method} ${probe.url}`, status: 404 });
      expect(response.json().code).toBe('NOT_FOUND');
    }
    // Nor may A merge its own event into B's.
    const into = await t.as(a, { method: 'POST', url: `/api/events/${ofA.id}/merge`, payload: { intoId: ofB.id } });
    expect(into.json().code).toBe('INVALID_REFERENCE');
    const b = await t.app.db.selectFrom('event').select(['state', 'version']).where('id', '=', ofB.id).executeTakeFirstOrThrow();
    expect(b).toEqual({ state: 'reported', version: 0 });
  });

  it('lists and counts only A events', async () => {
    const list = (await t.as(a, { method: 'GET', url: '/api/events?pageSize=500' })).json();
    expect(list.items.map((e: { id: number }) => e.id)).toContain(ofA.id);
    expect(list.items.every((e: { divisionCode: string }) => e.divisionCode.startsWith(villageA))).toBe(true);
    const queue = (await t.as(a, { method: 'GET', url: '/api/events?queue=accept&pageSize=500' })).json();
    expect(queue.items.map((e: { id: number }) => e.id)).not.toContain(ofB.id);
    const accept = (await t.as(a, { method: 'GET', url: '/api/events/queues' })).json().items.find((q: { queue: string }) => q.queue === 'accept');
    const counted = await t.app.db.selectFrom('event').select((eb) => eb.fn.countAll<number>().as('n')).where('state', 'in', ['reported', 'pending_placement']).where('division_code', 'like', `${villageA}%`).executeTakeFirstOrThrow();
    expect(accept.count).toBe(Number(counted.n));
  });
});
