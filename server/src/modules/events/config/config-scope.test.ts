import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, parameterisedRoutes, type Session, type TestApp } from '../../../../test/test-app.ts';

/**
 * A village-A actor holding every permission: village B's routing rules answer 404 like missing ones;
 * the deployment-wide catalogue, 立结案标准 and calendar answer 403 (like roles).
 */
const villageA = '330203103201';
const villageB = '330203103202';

describe('event configuration data scope', () => {
  let t: TestApp;
  let a: Session;
  let ruleOfB = 0;
  let standard = 0;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.login('admin');
    await t.as(admin, { method: 'POST', url: '/api/system/users', payload: { username: 'a_superuser', displayName: '甲村全权', password: 'Scope-Test-2026', divisionCode: villageA, organizationId: null, roles: ['admin'] } });
    a = await t.login('a_superuser', 'Scope-Test-2026');
    ruleOfB = (await t.app.db.selectFrom('routing_rule').select('id').where('division_code', '=', villageB).limit(1).executeTakeFirstOrThrow()).id;
    standard = (await t.app.db.selectFrom('event_standard').select('id').where('category_code', '=', 'E0505').executeTakeFirstOrThrow()).id;
  });
  afterAll(() => t.close());

  const outOfScope = () => [
    { method: 'PATCH' as const, url: `/api/event-config/routing-rules/${ruleOfB}`, payload: { priority: 99 } },
    { method: 'DELETE' as const, url: `/api/event-config/routing-rules/${ruleOfB}` },
  ];
  const deploymentWide = () => [
    { method: 'PATCH' as const, url: '/api/event-config/categories/E0505', payload: { minorName: '改名' } },
    { method: 'PATCH' as const, url: `/api/event-config/standards/${standard}`, payload: { limitValue: 9 } },
    { method: 'PUT' as const, url: '/api/event-config/calendar/days/2026-11-26', payload: { kind: 'holiday', name: '改' } },
    { method: 'DELETE' as const, url: '/api/event-config/calendar/days/2026-10-01' },
  ];

  it('covers every parameterised event-config route', () => {
    const covered = [...outOfScope(), ...deploymentWide()].map(
      (p) => `${p.method} ${p.url.replace('E0505', ':code').replace(/\d{4}-\d{2}-\d{2}/, ':date').replace(/\/(\d+)(?=\/|$)/g, '/:id')}`,
    );
    expect(parameterisedRoutes(t, ['/api/event-config/']).sort()).toEqual([...new Set(covered)].sort());
  });

  it('answers 404 for village B routing rules and changes nothing', async () => {
    for (const probe of outOfScope()) {
      const response = await t.as(a, probe);
      expect({ route: `${probe.method} ${probe.url}`, status: response.statusCode }).toEqual({ route: `${probe.method} ${probe.url}`, status: 404 });
    }
    expect(await t.app.db.selectFrom('routing_rule').select('priority').where('id', '=', ruleOfB).executeTakeFirst()).toEqual({ priority: 10 });
  });

  it('answers 403 for the deployment-wide configuration and changes nothing', async () => {
    for (const probe of deploymentWide()) {
      const response = await t.as(a, probe);
      expect({ route: `${probe.method} ${probe.url}`, status: response.statusCode }).toEqual({ route: `${probe.method} ${probe.url}`, status: 403 });
    }
    expect(await t.app.db.selectFrom('event_category').select('minor_name').where('code', '=', 'E0505').executeTakeFirst()).toEqual({ minor_name: '机动车乱停放' });
    expect((await t.app.eventConfig.calendar()).holidays.has('2026-10-01')).toBe(true);
  });
});
