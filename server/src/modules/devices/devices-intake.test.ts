import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { orgId } from '../../../test/event-fixtures.ts';
import { DeviceIntake, defaultLimits } from './ingest.ts';
import { startDeviceScheduler } from './device-scheduler.ts';
import { alarmsOf, newSensor, sendTelemetry, telemetryCount } from './test-support.ts';

/**
 * The telemetry intake over HTTP (the MQTT paths share it; see devices-mqtt.test.ts): validation and
 * refusals, alarms from the rules, events from alarms, flood protection, offline detection, restart.
 */
describe('device telemetry intake', () => {
  let t: TestApp;
  let admin: Session;

  beforeAll(async () => {
    t = await createTestApp({ iotDeviceRate: 5, iotDeviceBurst: 10 });
    admin = await t.login('admin');
  });
  afterAll(() => t.close());

  const settle = () => t.app.deviceIntake.settled();

  it('opens an alarm on a breach, opens and auto-dispatches its event, extends it, and clears it past the hysteresis gap with a note', async () => {
    const gas = await newSensor(t, admin, { kind: 'combustible_gas' });
    // One second apart: readings of one device at the same instant are stored as one row.
    const base = Date.now() - 60_000;
    let second = 0;
    const reading = (gasLel: number) => ({ ts: base + 1000 * second++, values: { gas_lel: gasLel } });
    expect((await sendTelemetry(t, gas.token, reading(5))).statusCode).toBe(200);
    const breach = await sendTelemetry(t, gas.token, reading(30));
    expect(breach.statusCode, breach.body).toBe(200);
    await settle();
    let [alarm] = await alarmsOf(t, gas.id);
    expect(alarm).toMatchObject({ alarm_type: 'gas_high', severity: 'major', status: 'active', count: 1 });
    expect(alarm!.event_id).not.toBeNull();
    const event = await t.app.db.selectFrom('event').selectAll().where('id', '=', alarm!.event_id!).executeTakeFirstOrThrow();
    expect(event).toMatchObject({ source: 'iot', category_code: 'E0451', state: 'pending_sign', handling_unit_id: await orgId(t.app, 'GL-EMERG'), urgency: 'urgent' });
    expect(event.lng).not.toBeNull();

    // Worse, then inside the gap (22: no level, not yet clear), then clear (< 20).
    await sendTelemetry(t, gas.token, reading(55));
    await sendTelemetry(t, gas.token, reading(22));
    await settle();
    [alarm] = await alarmsOf(t, gas.id);
    expect(alarm).toMatchObject({ severity: 'critical', status: 'active', count: 2 });
    await sendTelemetry(t, gas.token, reading(10));
    await settle();
    const alarms = await alarmsOf(t, gas.id);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ status: 'cleared', clear_reason: 'condition' });
    const history = await t.app.db.selectFrom('event_history').select(['action', 'note', 'actor_type']).where('event_id', '=', alarm!.event_id!).orderBy('id').execute();
    expect(history.map((h) => h.action)).toEqual(['report', 'accept', 'register', 'dispatch', 'note']);
    expect(history.at(-1)!.note).toContain('读数已恢复正常');
    const after = await t.app.db.selectFrom('event').select('state').where('id', '=', alarm!.event_id!).executeTakeFirstOrThrow();
    expect(after.state).toBe('pending_sign');
    expect(await telemetryCount(t, gas.id)).toBe(5);

    // After a clear, the next breach is a new alarm.
    await sendTelemetry(t, gas.token, reading(26));
    await settle();
    expect((await alarmsOf(t, gas.id)).map((a) => a.status)).toEqual(['cleared', 'active']);
  });

  it('refuses malformed, non-numeric, huge and badly timed telemetry with problem+json, stores none of it and records it on the device', async () => {
    const gas = await newSensor(t, admin, { kind: 'combustible_gas' });
    const now = Date.now();
    const cases: [body: unknown, code: string][] = [
      ['{"gas_lel": 1', 'TELEMETRY_MALFORMED_JSON'],
      ['{"gas_lel": NaN}', 'TELEMETRY_MALFORMED_JSON'],
      [{ gas_lel: 'NaN' }, 'TELEMETRY_VALUE'],
      [{ gas_lel: 1e300 }, 'TELEMETRY_VALUE'],
      [[{ gas_lel: 1 }, { gas_lel: 'x' }], 'TELEMETRY_VALUE'],
      [{ ts: now + 3_600_000, values: { gas_lel: 1 } }, 'TELEMETRY_TS_FUTURE'],
      [{ ts: now - 30 * 86_400_000, values: { gas_lel: 1 } }, 'TELEMETRY_TS_PAST'],
      [{ 'gas lel': 1 }, 'TELEMETRY_KEY'],
      ['[]', 'TELEMETRY_SHAPE'],
    ];
    for (const [body, code] of cases) {
      const response = await sendTelemetry(t, gas.token, body);
      expect({ body, status: response.statusCode, code: response.json().code }).toEqual({ body, status: 400, code });
      expect(response.headers['content-type']).toContain('application/problem+json');
    }
    await settle();
    expect(await telemetryCount(t, gas.id)).toBe(0);
    const device = await t.app.db.selectFrom('device').select(['telemetry_rejected', 'last_error', 'status']).where('id', '=', gas.id).executeTakeFirstOrThrow();
    expect(device.telemetry_rejected).toBe(cases.length);
    expect(device.last_error).toMatch(/^TELEMETRY_SHAPE/);
    expect((await alarmsOf(t, gas.id))).toEqual([]);

    const unknown = await sendTelemetry(t, 'no-such-token-123', { gas_lel: 1 });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().code).toBe('DEVICE_TOKEN_UNKNOWN');
  });

  it('rate-limits a flooding device and keeps one alarm for the repeats', async () => {
    const gas = await newSensor(t, admin, { kind: 'combustible_gas' });
    const statuses: number[] = [];
    for (let i = 0; i < 40; i++) statuses.push((await sendTelemetry(t, gas.token, { gas_lel: 40 + (i % 5) })).statusCode);
    const accepted = statuses.filter((s) => s === 200).length;
    expect(accepted).toBeGreaterThanOrEqual(10);
    expect(accepted).toBeLessThan(20);
    expect(statuses.filter((s) => s === 429).length).toBe(40 - accepted);
    await settle();
    const alarms = await alarmsOf(t, gas.id);
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ status: 'active', count: accepted });
    expect(await t.app.db.selectFrom('event').select('id').where('idempotency_key', '=', `alarm-${alarms[0]!.id}`).execute()).toHaveLength(1);
    // The platform stays responsive meanwhile: another device is unaffected.
    const other = await newSensor(t, admin, { kind: 'combustible_gas' });
    expect((await sendTelemetry(t, other.token, { gas_lel: 1 })).statusCode).toBe(200);
  });

  it('duration and N-in-a-row rules wait for the condition to hold; a per-device override changes the thresholds', async () => {
    const water = await newSensor(t, admin, { kind: 'water_level' });
    const start = Date.now() - 120_000;
    for (const [offset, depth] of [[0, 12], [30_000, 14], [45_000, 1]] as const) await sendTelemetry(t, water.token, { ts: start + offset, values: { depth_cm: depth } });
    await settle();
    expect(await alarmsOf(t, water.id)).toEqual([]);
    for (const [offset, depth] of [[50_000, 12], [80_000, 13], [111_000, 15]] as const) await sendTelemetry(t, water.token, { ts: start + offset, values: { depth_cm: depth } });
    await settle();
    expect(await alarmsOf(t, water.id)).toMatchObject([{ alarm_type: 'waterlogging', severity: 'major', status: 'active' }]);

    const manhole = await newSensor(t, admin, { kind: 'manhole_cover' });
    await sendTelemetry(t, manhole.token, { tilt: 20 });
    await settle();
    expect(await alarmsOf(t, manhole.id)).toEqual([]);
    await sendTelemetry(t, manhole.token, { tilt: 21 });
    await settle();
    expect(await alarmsOf(t, manhole.id)).toMatchObject([{ alarm_type: 'manhole_tilt', status: 'active' }]);

    // A low-lying spot: this gas sensor alarms from 10 %LEL and clears below 5.
    const gas = await newSensor(t, admin, { kind: 'combustible_gas' });
    const bad = await t.as(admin, { method: 'PATCH', url: `/api/devices/${gas.id}/settings`, payload: { alarmOverrides: { gas_high: { levels: [{ severity: 'major', op: '>=', value: 10 }], clear: { op: '<', value: 12 } } } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields[0]).toMatchObject({ field: '/alarmOverrides/gas_high/clear', code: 'ALARM_CLEAR_OVERLAP' });
    const unknownType = await t.as(admin, { method: 'PATCH', url: `/api/devices/${gas.id}/settings`, payload: { alarmOverrides: { tilt_high: { enabled: false } } } });
    expect(unknownType.json().fields[0].code).toBe('ALARM_TYPE_UNKNOWN');
    const ok = await t.as(admin, { method: 'PATCH', url: `/api/devices/${gas.id}/settings`, payload: { alarmOverrides: { gas_high: { levels: [{ severity: 'major', op: '>=', value: 10 }], clear: { op: '<', value: 5 } } } } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().iot.rules.find((r: { alarmType: string }) => r.alarmType === 'gas_high')).toMatchObject({ overridden: true, levels: [{ value: 10 }] });
    await sendTelemetry(t, gas.token, { gas_lel: 12 });
    await settle();
    expect(await alarmsOf(t, gas.id)).toMatchObject([{ severity: 'major', status: 'active' }]);
    await sendTelemetry(t, gas.token, { gas_lel: 4 });
    await settle();
    expect(await alarmsOf(t, gas.id)).toMatchObject([{ status: 'cleared' }]);
  });

  it('marks a silent device offline with an offline alarm, and the next message brings it back and clears it', async () => {
    const smoke = await newSensor(t, admin, { kind: 'smoke', intervalSeconds: 60 });
    await sendTelemetry(t, smoke.token, { smoke: 0, battery: 90 });
    await settle();
    expect(await t.app.db.selectFrom('device').select('status').where('id', '=', smoke.id).executeTakeFirstOrThrow()).toEqual({ status: 'online' });
    const scheduler = startDeviceScheduler(t.app, 3_600_000);
    try {
      expect((await scheduler.tick(Date.now() + 2 * 60_000)).offline).toBe(0);
      expect((await scheduler.tick(Date.now() + 4 * 60_000)).offline).toBeGreaterThanOrEqual(1);
    } finally {
      await scheduler.stop();
    }
    await settle();
    expect(await t.app.db.selectFrom('device').select('status').where('id', '=', smoke.id).executeTakeFirstOrThrow()).toEqual({ status: 'offline' });
    expect(await alarmsOf(t, smoke.id)).toMatchObject([{ alarm_type: 'offline', severity: 'warning', status: 'active', event_id: null }]);
    await sendTelemetry(t, smoke.token, { smoke: 0, battery: 90 });
    await settle();
    expect(await alarmsOf(t, smoke.id)).toMatchObject([{ alarm_type: 'offline', status: 'cleared', clear_reason: 'online' }]);
    expect(await t.app.db.selectFrom('device').select('status').where('id', '=', smoke.id).executeTakeFirstOrThrow()).toEqual({ status: 'online' });
  });

  it('keeps alarm state and pending counts across a restart of the intake', async () => {
    const gas = await newSensor(t, admin, { kind: 'combustible_gas' });
    const manhole = await newSensor(t, admin, { kind: 'manhole_cover' });
    await sendTelemetry(t, gas.token, { gas_lel: 30 });
    await sendTelemetry(t, manhole.token, { tilt: 30 });
    await settle();
    const restarted = new DeviceIntake(t.app, { flushMs: 60_000, maxBatchRows: 1000, maxBufferedRows: 10_000, ratePerSecond: 10, burst: 10, offlineFactor: 3, defaultIntervalSeconds: 600, limits: defaultLimits });
    await restarted.start();
    try {
      restarted.receive(restarted.deviceByToken(gas.token)!, 'device', JSON.stringify({ gas_lel: 31 }));
      restarted.receive(restarted.deviceByToken(manhole.token)!, 'device', JSON.stringify({ tilt: 31 }));
      await restarted.settled();
    } finally {
      await restarted.stop();
    }
    expect(await alarmsOf(t, gas.id)).toMatchObject([{ status: 'active', count: 2 }]);
    expect(await alarmsOf(t, manhole.id)).toMatchObject([{ alarm_type: 'manhole_tilt', status: 'active', count: 1 }]);
    await t.app.deviceIntake.refresh();
  });
});
