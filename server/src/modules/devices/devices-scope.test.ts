import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, parameterisedRoutes, type Session, type TestApp } from '../../../test/test-app.ts';
import { alarmsOf, newSensor, sendTelemetry } from './test-support.ts';

/**
 * A village-A actor holding every permission: village B's devices and alarms answer 404 like missing
 * ones on every device and alarm route with an id, change nothing, and never appear in A's lists.
 */
const villageA = '330203103201';
const gridOfB = '33020310320201';

describe('device and alarm data scope', () => {
  let t: TestApp;
  let a: Session;
  let ofB = { deviceId: 0, alarmId: 0, token: '' };

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.login('admin');
    await t.as(admin, { method: 'POST', url: '/api/system/users', payload: { username: 'a_superuser', displayName: '甲村全权', password: 'Scope-Test-2026', divisionCode: villageA, organizationId: null, roles: ['admin'] } });
    a = await t.login('a_superuser', 'Scope-Test-2026');
    const sensor = await newSensor(t, admin, { kind: 'combustible_gas', grid: gridOfB });
    await sendTelemetry(t, sensor.token, { gas_lel: 40 });
    await t.app.deviceIntake.settled();
    const [alarm] = await alarmsOf(t, sensor.id);
    ofB = { deviceId: sensor.id, alarmId: Number(alarm!.id), token: sensor.token };
  });
  afterAll(() => t.close());

  const probes = () => [
    { method: 'GET' as const, url: `/api/devices/${ofB.deviceId}` },
    { method: 'GET' as const, url: `/api/devices/${ofB.deviceId}/telemetry` },
    { method: 'GET' as const, url: `/api/devices/${ofB.deviceId}/alarms` },
    { method: 'POST' as const, url: `/api/devices/${ofB.deviceId}/token` },
    { method: 'PATCH' as const, url: `/api/devices/${ofB.deviceId}/settings`, payload: { alarmOverrides: {} } },
    { method: 'PUT' as const, url: `/api/devices/${ofB.deviceId}/zones`, payload: { zones: [] } },
    { method: 'GET' as const, url: `/api/alarms/${ofB.alarmId}` },
    { method: 'POST' as const, url: `/api/alarms/${ofB.alarmId}/acknowledge` },
    { method: 'POST' as const, url: `/api/alarms/${ofB.alarmId}/clear`, payload: {} },
  ];

  it('covers every parameterised device and alarm route', () => {
    const covered = probes().map((p) => `${p.method} ${p.url.replace(/\/(\d+)(?=\/|$)/g, '/:id')}`);
    expect(parameterisedRoutes(t, ['/api/devices/', '/api/alarms/']).sort()).toEqual([...new Set(covered)].sort());
  });

  it('answers 404 for village B on every such route and changes nothing', async () => {
    for (const probe of probes()) {
      const response = await t.as(a, probe);
      expect({ route: `${probe.method} ${probe.url}`, status: response.statusCode, code: response.json().code }).toEqual({ route: `${probe.method} ${probe.url}`, status: 404, code: 'NOT_FOUND' });
    }
    const [alarm] = await alarmsOf(t, ofB.deviceId);
    expect(alarm).toMatchObject({ status: 'active', acknowledged: false });
    // The old token still works: B's token was not replaced.
    expect((await sendTelemetry(t, ofB.token, { gas_lel: 1 })).statusCode).toBe(200);
  });

  it('lists and counts only A devices and alarms', async () => {
    const devices = (await t.as(a, { method: 'GET', url: '/api/devices?pageSize=100&type=sensor' })).json();
    expect(devices.items.every((d: { gridCode: string }) => d.gridCode.startsWith(villageA))).toBe(true);
    expect(devices.items.map((d: { id: number }) => d.id)).not.toContain(ofB.deviceId);
    const alarms = (await t.as(a, { method: 'GET', url: '/api/alarms?pageSize=100' })).json();
    expect(alarms.items.every((x: { divisionCode: string }) => x.divisionCode.startsWith(villageA))).toBe(true);
    const summary = (await t.as(a, { method: 'GET', url: '/api/alarms/summary' })).json();
    const counted = await t.app.db.selectFrom('alarm').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'active').where('division_code', 'like', `${villageA}%`).executeTakeFirstOrThrow();
    expect(summary.items.reduce((n: number, s: { count: number }) => n + s.count, 0)).toBe(Number(counted.n));
  });
});
