import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, parameterisedRoutes, type Session, type TestApp } from '../../../test/test-app.ts';
import { pointIn } from '../../../test/event-fixtures.ts';
import { shopAt } from './test-support.ts';

/**
 * A village-A actor holding every permission: village B's events, the town's opt-outs and registered
 * vehicles answer 404 like missing ones on every outreach route with a parameter, and change nothing;
 * the deployment-wide templates and policies answer 403 (county level only). Lists show only A's
 * messages.
 */
const villageA = '330203103201';
const gridOfB = '33020310320201';

describe('outreach data scope', () => {
  let t: TestApp;
  let a: Session;
  let command: Session;
  let eventOfB = 0;
  let optOutOfTown = 0;
  let template = 0;
  let vehicleOfTown = 0;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.login('admin');
    command = await t.login('command');
    await t.as(admin, { method: 'POST', url: '/api/system/users', payload: { username: 'a_superuser', displayName: '甲村全权', password: 'Scope-Test-2026', divisionCode: villageA, organizationId: null, roles: ['admin'] } });
    a = await t.login('a_superuser', 'Scope-Test-2026');
    const spotOfB = await pointIn(t.app, gridOfB);
    await shopAt(t.app, spotOfB, { phone: '13900002222', name: '乙村小卖部' });
    eventOfB = (await t.as(command, { method: 'POST', url: '/api/events', payload: { source: 'video_ai', categoryCode: 'E0505', description: '机动车乱停放', location: spotOfB, address: '乙村路口' } })).json().event.id;
    optOutOfTown = (await t.as(command, { method: 'POST', url: '/api/outreach/opt-outs', payload: { phone: '13900001111' } })).json().id;
    vehicleOfTown = (await t.as(command, { method: 'POST', url: '/api/outreach/vehicles', payload: { plate: '浙B5S321', phone: '13900003333' } })).json().id;
    template = (await t.app.db.selectFrom('outreach_template').select('id').where('category_code', '=', 'E0505').limit(1).executeTakeFirstOrThrow()).id;
  });
  afterAll(() => t.close());

  const outOfScope = () => [
    { method: 'GET' as const, url: `/api/outreach/events/${eventOfB}` },
    { method: 'POST' as const, url: `/api/outreach/events/${eventOfB}/remind`, payload: {} },
    { method: 'POST' as const, url: `/api/outreach/events/${eventOfB}/recheck`, payload: { complied: true } },
    { method: 'DELETE' as const, url: `/api/outreach/opt-outs/${optOutOfTown}` },
    { method: 'GET' as const, url: `/api/outreach/vehicles/${vehicleOfTown}` },
    { method: 'PATCH' as const, url: `/api/outreach/vehicles/${vehicleOfTown}`, payload: { ownerName: '改' } },
    { method: 'POST' as const, url: `/api/outreach/vehicles/${vehicleOfTown}/reveal`, payload: {} },
    { method: 'DELETE' as const, url: `/api/outreach/vehicles/${vehicleOfTown}` },
  ];
  const deploymentWide = () => [
    { method: 'PUT' as const, url: `/api/outreach/templates/${template}`, payload: { body: '改{place}' } },
    { method: 'DELETE' as const, url: `/api/outreach/templates/${template}` },
    { method: 'PUT' as const, url: '/api/outreach/policies/E0505', payload: { graceMinutes: 99, channels: ['sms'] } },
  ];

  it('covers every parameterised outreach route', () => {
    const covered = [...outOfScope(), ...deploymentWide()].map((p) => `${p.method} ${p.url.replace('E0505', ':code').replace(/\/(\d+)(?=\/|$)/g, '/:id')}`);
    expect(parameterisedRoutes(t, ['/api/outreach/']).sort()).toEqual([...new Set(covered)].sort());
  });

  it('answers 404 for village B and the town, and changes nothing', async () => {
    for (const probe of outOfScope()) {
      const response = await t.as(a, probe);
      expect({ route: `${probe.method} ${probe.url}`, status: response.statusCode, code: response.json().code }).toEqual({ route: `${probe.method} ${probe.url}`, status: 404, code: 'NOT_FOUND' });
    }
    expect(await t.app.db.selectFrom('outreach_reminder').select('id').where('event_id', '=', eventOfB).execute()).toEqual([]);
    expect(await t.app.db.selectFrom('outreach_opt_out').select('id').where('id', '=', optOutOfTown).execute()).toHaveLength(1);
    expect(await t.app.db.selectFrom('vehicle_owner').select('owner_name').where('id', '=', vehicleOfTown).executeTakeFirst()).toEqual({ owner_name: null });
  });

  it('answers 403 for the deployment-wide templates and policies', async () => {
    for (const probe of deploymentWide()) {
      const response = await t.as(a, probe);
      expect({ route: `${probe.method} ${probe.url}`, status: response.statusCode }).toEqual({ route: `${probe.method} ${probe.url}`, status: 403 });
    }
    expect((await t.app.db.selectFrom('outreach_policy').select('grace_minutes').where('category_code', '=', 'E0505').executeTakeFirstOrThrow()).grace_minutes).toBe(10);
  });

  it("lists only A's messages and opt-outs, and refuses rates outside A", async () => {
    expect((await t.as(command, { method: 'POST', url: `/api/outreach/events/${eventOfB}/remind`, payload: {} })).json().reminders[0].messages).toHaveLength(2);
    const messages = (await t.as(a, { method: 'GET', url: '/api/outreach/messages?pageSize=500' })).json();
    expect(messages.items.every((m: { eventId: number }) => m.eventId !== eventOfB)).toBe(true);
    expect((await t.as(a, { method: 'GET', url: '/api/outreach/opt-outs' })).json().items).toEqual([]);
    const period = `from=2020-01-01T00:00:00Z&to=2030-01-01T00:00:00Z`;
    expect((await t.as(a, { method: 'GET', url: `/api/outreach/rates?${period}&divisionCode=330203103202` })).json().code).toBe('OUT_OF_SCOPE');
  });
});
