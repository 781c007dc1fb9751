import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, parameterisedRoutes, type Session, type TestApp } from '../../../test/test-app.ts';

/**
 * A village-A actor holding every permission: village B, B's grids and the town above A answer 404
 * like a missing division on every dashboard route, and A's own dashboard shows only A.
 */
const villageA = '330203103201';
const villageB = '330203103202';

describe('dashboard data scope', () => {
  let t: TestApp;
  let a: Session;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.login('admin');
    await t.as(admin, { method: 'POST', url: '/api/system/users', payload: { username: 'a_dashboard', displayName: '甲村大屏', password: 'Scope-Test-2026', divisionCode: villageA, organizationId: null, roles: ['admin'] } });
    a = await t.login('a_dashboard', 'Scope-Test-2026');
  });
  afterAll(() => t.close());

  const probes = (code: string) => [
    { method: 'GET' as const, url: `/api/dashboard/${code}` },
    { method: 'GET' as const, url: `/api/dashboard/${code}/feed` },
  ];

  it('covers every parameterised dashboard route', () => {
    const covered = probes(villageB).map((p) => `${p.method} ${p.url.replace(villageB, ':code')}`);
    expect(parameterisedRoutes(t, ['/api/dashboard/']).sort()).toEqual(covered.sort());
  });

  it('answers 404 outside the scope, as for a division that does not exist', async () => {
    for (const code of [villageB, `${villageB}01`, '330203103', '330203']) {
      for (const probe of probes(code)) {
        const response = await t.as(a, probe);
        expect({ route: probe.url, status: response.statusCode }).toEqual({ route: probe.url, status: 404 });
        expect(response.json().code).toBe('NOT_FOUND');
      }
    }
  });

  it('starts the breadcrumb at the top of the scope and shows only what it covers', async () => {
    const own = (await t.as(a, { method: 'GET', url: `/api/dashboard/${villageA}?days=366` })).json();
    expect(own.path.map((p: { code: string }) => p.code)).toEqual([villageA]);
    expect(own.latest.every((e: { divisionCode: string }) => e.divisionCode.startsWith(villageA))).toBe(true);
    expect(own.ranking.items.every((r: { code: string }) => r.code.startsWith(villageA))).toBe(true);
    const counted = await t.app.db
      .selectFrom('event')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', 'not in', ['closed', 'cancelled'])
      .where('division_code', 'like', `${villageA}%`)
      .executeTakeFirstOrThrow();
    expect(own.counts.open).toBe(Number(counted.n));
  });
});
