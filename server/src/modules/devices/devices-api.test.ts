import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { otherGrid, pointIn } from '../../../test/event-fixtures.ts';
import { alarmsOf, newSensor, sendTelemetry } from './test-support.ts';

/** The device, alarm and alarm-rule API: lists, detail, charts, acknowledge and clear, rules as data, zones, tokens. */
describe('devices and alarms API', () => {
  let t: TestApp;
  let admin: Session;
  let command: Session;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.login('admin');
    command = await t.login('command');
  });
  afterAll(() => t.close());

  const settle = () => t.app.deviceIntake.settled();

  it('lists devices with filters, devices in alarm first, and shows one with its rules, last reading and chart series', async () => {
    const gas = await newSensor(t, admin, { kind: 'combustible_gas' });
    const start = Date.now() - 60_000;
    for (let i = 0; i < 5; i++) await sendTelemetry(t, gas.token, { ts: start + i * 10_000, values: { gas_lel: i === 4 ? 30 : 2 + i, battery: 90 } });
    await settle();
    const list = await t.as(command, { method: 'GET', url: '/api/devices?type=sensor&sensorKind=combustible_gas&status=online&pageSize=5' });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items[0]).toMatchObject({ id: gas.id, status: 'online', reporting: true, activeAlarms: 1, topSeverity: 'major' });
    expect(list.json().items.every((d: { sensorKind: string; status: string }) => d.sensorKind === 'combustible_gas' && d.status === 'online')).toBe(true);
    const alarmed = await t.as(command, { method: 'GET', url: '/api/devices?alarmed=true&pageSize=100' });
    expect(alarmed.json().items.every((d: { activeAlarms: number }) => d.activeAlarms > 0)).toBe(true);

    const detail = await t.as(command, { method: 'GET', url: `/api/devices/${gas.id}` });
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json().device).toMatchObject({ id: gas.id, sensorKind: 'combustible_gas' });
    expect(detail.json().iot).toMatchObject({ reporting: true, activeAlarms: 1, latest: { values: { gas_lel: 30, battery: 90 } } });
    expect(detail.json().iot.rules.map((r: { alarmType: string }) => r.alarmType)).toEqual(['gas_high']);

    const series = await t.as(command, { method: 'GET', url: `/api/devices/${gas.id}/telemetry?from=${new Date(start - 1000).toISOString()}` });
    expect(series.statusCode, series.body).toBe(200);
    expect(series.json()).toMatchObject({ stepSeconds: null });
    const gasSeries = series.json().series.find((s: { key: string }) => s.key === 'gas_lel');
    expect(gasSeries.points.map((p: number[]) => p[1])).toEqual([2, 3, 4, 5, 30]);
    const reversed = await t.as(command, { method: 'GET', url: `/api/devices/${gas.id}/telemetry?from=${new Date().toISOString()}&to=${new Date(start).toISOString()}` });
    expect(reversed.statusCode).toBe(400);
  });

  it('averages long ranges per step and keeps the peaks', async () => {
    const water = await newSensor(t, admin, { kind: 'water_level' });
    const start = Date.now() - 6 * 86_400_000;
    // 2,400 readings over six days, in a few gateway-sized batches (arrays) to stay under the rate.
    const readings = Array.from({ length: 2_400 }, (_, i) => ({ ts: start + i * 180_000, values: { depth_cm: i === 1_000 ? 40 : 1 } }));
    for (let i = 0; i < readings.length; i += 400) expect((await sendTelemetry(t, water.token, readings.slice(i, i + 400))).statusCode).toBe(200);
    await settle();
    const series = (await t.as(command, { method: 'GET', url: `/api/devices/${water.id}/telemetry?from=${new Date(start - 1000).toISOString()}` })).json();
    expect(series.stepSeconds).toBeGreaterThan(60);
    const points = series.series[0].points as number[][];
    expect(points.length).toBeLessThanOrEqual(501);
    expect(Math.max(...points.map((p) => p[3]!))).toBe(40);
  });

  it('acknowledges (once) and clears by hand: audited, noted on the event, and the next breach opens a new alarm', async () => {
    const gas = await newSensor(t, admin, { kind: 'combustible_gas' });
    await sendTelemetry(t, gas.token, { gas_lel: 35 });
    await settle();
    const [alarm] = await alarmsOf(t, gas.id);
    const console_ = await t.as(command, { method: 'GET', url: '/api/alarms?status=active&pageSize=100' });
    expect(console_.json().items.map((a: { id: number }) => a.id)).toContain(Number(alarm!.id));
    const summary = (await t.as(command, { method: 'GET', url: '/api/alarms/summary' })).json();
    expect(summary.items.find((s: { severity: string }) => s.severity === 'major').count).toBeGreaterThanOrEqual(1);

    const ack = await t.as(command, { method: 'POST', url: `/api/alarms/${alarm!.id}/acknowledge` });
    expect(ack.statusCode, ack.body).toBe(200);
    expect(ack.json()).toMatchObject({ acknowledged: true, ackBy: '王指挥', status: 'active', eventCode: expect.any(String) });
    expect((await t.as(command, { method: 'POST', url: `/api/alarms/${alarm!.id}/acknowledge` })).statusCode).toBe(200);
    const cleared = await t.as(command, { method: 'POST', url: `/api/alarms/${alarm!.id}/clear`, payload: { note: '已关阀通风' } });
    expect(cleared.statusCode, cleared.body).toBe(200);
    expect(cleared.json()).toMatchObject({ status: 'cleared', clearReason: 'manual', clearedBy: '王指挥' });
    expect((await t.as(command, { method: 'POST', url: `/api/alarms/${alarm!.id}/clear`, payload: {} })).json().code).toBe('ALARM_NOT_ACTIVE');

    const audit = await t.app.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'alarm').where('entity_id', '=', String(alarm!.id)).orderBy('id').execute();
    expect(audit.map((a) => a.action)).toEqual(['device:alarm:acknowledge', 'device:alarm:clear']);
    const note = await t.app.db.selectFrom('event_history').select(['action', 'note', 'actor_type']).where('event_id', '=', alarm!.event_id!).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(note).toMatchObject({ action: 'note', actor_type: 'user' });
    expect(note.note).toContain('已关阀通风');

    await sendTelemetry(t, gas.token, { gas_lel: 36 });
    await settle();
    expect((await alarmsOf(t, gas.id)).map((a) => a.status)).toEqual(['cleared', 'active']);
  });

  it('keeps alarm rules as data: validated, created, replaced, imported, defaults offered, picked up by the intake at once', async () => {
    const defaults = (await t.as(admin, { method: 'GET', url: '/api/alarm-rules/defaults' })).json().rules;
    expect(defaults.find((r: { alarmType: string }) => r.alarmType === 'gas_high').levels).toEqual([{ severity: 'critical', op: '>=', value: 50 }, { severity: 'major', op: '>=', value: 25 }]);
    const noise = { sensorKind: 'noise', alarmType: 'noise_high', nameZh: '噪声超标', nameEn: 'Noise high', key: 'noise_db', levels: [{ severity: 'minor', op: '>', value: 70 }], mode: 'simple', clear: { op: '<=', value: 65 }, eventCategory: null, eventMinSeverity: null };
    const bad = await t.as(admin, { method: 'POST', url: '/api/alarm-rules', payload: { ...noise, sensorKind: 'volcano', clear: { op: '<', value: 80 }, eventCategory: 'E9999', eventMinSeverity: 'minor' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields.map((f: { field: string; code: string }) => `${f.field} ${f.code}`).sort()).toEqual(['/clear ALARM_CLEAR_OVERLAP', '/eventCategory EVENT_CATEGORY_UNKNOWN', '/sensorKind UNKNOWN_VALUE']);
    expect((await t.as(command, { method: 'POST', url: '/api/alarm-rules', payload: noise })).statusCode).toBe(403);
    const created = await t.as(admin, { method: 'POST', url: '/api/alarm-rules', payload: noise });
    expect(created.statusCode, created.body).toBe(201);
    expect((await t.as(admin, { method: 'POST', url: '/api/alarm-rules', payload: noise })).json().code).toBe('ALREADY_EXISTS');

    const meter = await newSensor(t, admin, { kind: 'noise' });
    await sendTelemetry(t, meter.token, { noise_db: 75 });
    await settle();
    expect(await alarmsOf(t, meter.id)).toMatchObject([{ alarm_type: 'noise_high', severity: 'minor', status: 'active' }]);

    const replaced = await t.as(admin, { method: 'PUT', url: `/api/alarm-rules/${created.json().id}`, payload: { ...noise, active: false } });
    expect(replaced.statusCode, replaced.body).toBe(200);
    await settle();
    // Disabling the rule ends its alarms.
    expect(await alarmsOf(t, meter.id)).toMatchObject([{ status: 'cleared', clear_reason: 'rule_removed' }]);

    const imported = await t.as(admin, { method: 'POST', url: '/api/alarm-rules/import', payload: { rules: [{ ...noise, active: true, levels: [{ severity: 'major', op: '>', value: 80 }] }, { ...noise, alarmType: 'noise_night', nameZh: '夜间噪声', key: 'noise_db_night' }] } });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(imported.json()).toEqual({ created: 1, updated: 1 });
    const badImport = await t.as(admin, { method: 'POST', url: '/api/alarm-rules/import', payload: { rules: [noise, { ...noise, levels: [{ severity: 'major', op: '>', value: 1 }, { severity: 'major', op: '>', value: 2 }] }] } });
    expect(badImport.json().fields[0]).toMatchObject({ field: '/rules/1/levels/1/severity', code: 'ALARM_LEVEL_DUPLICATE' });
    const rules = (await t.as(command, { method: 'GET', url: '/api/alarm-rules?sensorKind=noise' })).json().items;
    expect(rules.map((r: { alarmType: string; levels: { value: number }[] }) => `${r.alarmType}:${r.levels[0]!.value}`)).toEqual(['noise_high:80', 'noise_night:70']);
  });

  it('issues tokens once (the old one stops working) and keeps camera zones', async () => {
    const gas = await newSensor(t, admin, { kind: 'combustible_gas' });
    const again = await t.as(admin, { method: 'POST', url: `/api/devices/${gas.id}/token` });
    expect(again.headers['cache-control']).toBe('no-store');
    expect((await sendTelemetry(t, gas.token, { gas_lel: 1 })).statusCode).toBe(401);
    expect((await sendTelemetry(t, again.json().token, { gas_lel: 1 })).statusCode).toBe(200);
    const audit = await t.app.db.selectFrom('audit_log').select('changes').where('action', '=', 'device:token:issue').where('entity_id', '=', String(gas.id)).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(JSON.stringify(audit.changes)).not.toContain(again.json().token);

    const camera = await t.as(admin, { method: 'POST', url: '/api/registry/devices', payload: { deviceType: 'camera', name: '测试路口监控', channelId: '33020310001320900001', aiEnabled: true, viewDescription: '薛家路由东向西，含人行道', snapshotUrl: 'http://192.168.1.64/ISAPI/Streaming/channels/101/picture', streamUrl: 'ftp://x', ...(await pointIn(t.app, otherGrid)) } });
    expect(camera.json().fields[0]).toMatchObject({ field: '/streamUrl', code: 'URL_FORMAT' });
    const created = await t.as(admin, { method: 'POST', url: '/api/registry/devices', payload: { deviceType: 'camera', name: '测试路口监控', channelId: '33020310001320900001', aiEnabled: true, viewDescription: '薛家路由东向西，含人行道', snapshotUrl: 'http://192.168.1.64/ISAPI/Streaming/channels/101/picture', streamUrl: 'rtsp://192.168.1.64/Streaming/Channels/101', ...(await pointIn(t.app, otherGrid)) } });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id;
    const zones = { zones: [{ name: '人行道禁停', zoneType: 'no_parking', polygon: [[100, 600], [1800, 600], [1800, 1000], [100, 1000]], imageWidth: 1920, imageHeight: 1080 }] };
    const saved = await t.as(command, { method: 'PUT', url: `/api/devices/${id}/zones`, payload: zones });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().iot.zones).toMatchObject([{ name: '人行道禁停', zoneType: 'no_parking', active: true }]);
    const crossing = await t.as(command, { method: 'PUT', url: `/api/devices/${id}/zones`, payload: { zones: [{ ...zones.zones[0], polygon: [[0, 0], [100, 100], [100, 0], [0, 100]] }] } });
    expect(crossing.json().fields[0]).toMatchObject({ field: '/zones/0/polygon', code: 'ZONE_POLYGON' });
    expect((await t.as(command, { method: 'PUT', url: `/api/devices/${gas.id}/zones`, payload: zones })).json().fields[0].code).toBe('ZONE_CAMERA_ONLY');
    expect((await t.as(command, { method: 'POST', url: `/api/devices/${id}/token` })).statusCode).toBe(400);
  });

  it('lets a sensor report through a gateway only once it is attached to it', async () => {
    const gateway = await newSensor(t, admin, { kind: 'gateway' });
    const child = await newSensor(t, admin, { kind: 'manhole_cover' });
    const body = JSON.stringify({ [child.serialNo]: [{ ts: Date.now(), values: { tilt: 1 } }] });
    const send = () => t.app.deviceIntake.receive(t.app.deviceIntake.deviceByToken(gateway.token)!, 'gateway', body);
    expect(send()).toMatchObject({ ok: false, code: 'GATEWAY_DEVICE_UNKNOWN' });
    expect((await t.as(admin, { method: 'PATCH', url: `/api/devices/${child.id}/settings`, payload: { gatewayId: child.id } })).json().fields[0].code).toBe('GATEWAY_INVALID');
    expect((await t.as(admin, { method: 'PATCH', url: `/api/devices/${child.id}/settings`, payload: { gatewayId: gateway.id } })).statusCode).toBe(200);
    expect(send()).toEqual({ ok: true, readings: 1 });
    expect(t.app.deviceIntake.receive(t.app.deviceIntake.deviceByToken(child.token)!, 'gateway', body)).toMatchObject({ ok: false, code: 'NOT_A_GATEWAY' });
  });
});
