import type { TestApp, Session } from '../../../test/test-app.ts';
import { homeGrid, pointIn } from '../../../test/event-fixtures.ts';

/** Helpers shared by the device tests. */
let serial = 0;

/** A new sensor in the grid, with an access token issued through the API. */
export async function newSensor(t: TestApp, session: Session, options: { kind: string; grid?: string; intervalSeconds?: number; name?: string }) {
  const location = await pointIn(t.app, options.grid ?? homeGrid);
  const created = await t.as(session, {
    method: 'POST',
    url: '/api/registry/devices',
    payload: { deviceType: 'sensor', name: options.name ?? `测试${options.kind}${++serial}`, serialNo: `TEST-${process.pid}-${serial}-${Date.now()}`, sensorKind: options.kind, reportIntervalSeconds: options.intervalSeconds ?? null, ...location },
  });
  if (created.statusCode !== 201) throw new Error(`device not created: ${created.body}`);
  const id = created.json().id as number;
  const issued = await t.as(session, { method: 'POST', url: `/api/devices/${id}/token` });
  if (issued.statusCode !== 200) throw new Error(`token not issued: ${issued.body}`);
  return { id, token: issued.json().token as string, serialNo: created.json().serialNo as string };
}

/** POST /api/v1/<token>/telemetry with a JSON (or raw) body. */
export function sendTelemetry(t: TestApp, token: string, body: unknown) {
  return t.app.inject({ method: 'POST', url: `/api/v1/${token}/telemetry`, headers: { 'content-type': 'application/json' }, payload: typeof body === 'string' ? body : JSON.stringify(body) });
}

export function alarmsOf(t: TestApp, deviceId: number) {
  return t.app.db.selectFrom('alarm').selectAll().where('device_id', '=', deviceId).orderBy('id').execute();
}

export async function telemetryCount(t: TestApp, deviceId: number): Promise<number> {
  const row = await t.app.db.selectFrom('telemetry').select((eb) => eb.fn.countAll<number>().as('n')).where('device_id', '=', deviceId).executeTakeFirstOrThrow();
  return Number(row.n);
}
