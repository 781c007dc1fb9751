import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../auth/auth.plugin.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { pageWindow } from '../../http/pagination.ts';
import { getRecord } from '../registry/registry.service.ts';
import { deviceKind } from '../registry/kinds/device.ts';
import { severities } from './devices.tables.ts';
import { checkThresholds, type Overrides, type RuleIssue } from './alarm-rules.ts';
import { presentRule } from './alarm-rule-input.ts';
import { devicesRepo } from './devices.repo.ts';
import { ingestRepo } from './ingest.repo.ts';
import { hashAccessToken, newAccessToken, tokenPattern } from './reporting-device.ts';
import type { IntakeProblem } from './ingest.ts';
import { checkZones } from './zones.ts';
import type { DeviceListQuery, SettingsBody, TelemetryQuery, ZonesBody } from './devices.schema.ts';

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const failOn = (issues: RuleIssue[]) => {
  if (issues.length) throw new AppError('VALIDATION_FAILED', 400, {}, issues);
};

export async function listDevices(request: FastifyRequest, query: DeviceListQuery) {
  const window = pageWindow(query);
  const { total, items } = await devicesRepo.list(request.server.db, actorOf(request).scope, query, window);
  return {
    total,
    page: window.page,
    pageSize: window.pageSize,
    items: items.map((d) => ({
      id: d.id,
      deviceType: d.device_type,
      name: d.name,
      channelId: d.channel_id,
      serialNo: d.serial_no,
      sensorKind: d.sensor_kind,
      aiEnabled: d.ai_enabled,
      status: d.status,
      lastSeenAt: iso(d.last_seen_at),
      address: d.address,
      gridCode: d.grid_code,
      villageName: d.village_name,
      reporting: d.reporting,
      activeAlarms: d.active_alarms,
      topSeverity: d.top_severity_rank ? severities[d.top_severity_rank - 1]! : null,
    })),
  };
}

async function iotOrNotFound(request: FastifyRequest, id: number) {
  const device = await devicesRepo.iotOf(request.server.db, actorOf(request).scope, id);
  if (!device) throw notFound();
  return device;
}

/** A device as the registry shows it, with what the intake knows of it: token, rules, last reading, zones. */
export async function deviceDetail(request: FastifyRequest, id: number) {
  const db = request.server.db;
  const device = await getRecord(request, deviceKind, id);
  const iot = await iotOrNotFound(request, id);
  const overrides = iot.alarm_overrides as Overrides;
  const [rules, zones, latest, active] = await Promise.all([
    iot.sensor_kind ? db.selectFrom('alarm_rule').selectAll().where('sensor_kind', '=', iot.sensor_kind).orderBy('id').execute() : [],
    devicesRepo.zones(db, id),
    devicesRepo.latestTelemetry(db, id),
    devicesRepo.alarms(db, actorOf(request).scope, { deviceId: id, status: 'active' }, { limit: 1, offset: 0 }),
  ]);
  return {
    device,
    iot: {
      reporting: iot.token_hash !== null,
      tokenIssuedAt: iso(iot.token_issued_at),
      gatewayId: iot.gateway_id,
      alarmOverrides: overrides,
      telemetryRejected: iot.telemetry_rejected,
      lastError: iot.last_error,
      lastErrorAt: iso(iot.last_error_at),
      latest: latest ? { ts: latest.ts.toISOString(), values: latest.readings } : null,
      rules: rules.map((row) => {
        const rule = presentRule(row);
        const own = overrides[rule.alarmType];
        return { ...rule, levels: own?.levels ?? rule.levels, clear: own?.clear === undefined ? rule.clear : own.clear, overridden: own !== undefined, enabled: rule.active && own?.enabled !== false };
      }),
      zones: zones.map((z) => ({ id: z.id, name: z.name, zoneType: z.zone_type, polygon: z.polygon, imageWidth: z.image_width, imageHeight: z.image_height, active: z.active })),
      activeAlarms: active.total,
    },
  };
}

/**
 * A new access token for a sensor or gateway (the old one stops working at once, connected clients
 * included). The plaintext is returned this once; the database keeps its hash, the audit trail neither.
 */
export async function issueToken(request: FastifyRequest, id: number) {
  const token = newAccessToken();
  const issuedAt = new Date();
  await runCommand(request, async (trx, audit) => {
    const device = await devicesRepo.iotOf(trx, actorOf(request).scope, id);
    if (!device) throw notFound();
    if (device.device_type !== 'sensor') throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/id', code: 'enum', params: { allowed: 'sensor' } }]);
    await devicesRepo.setToken(trx, id, hashAccessToken(token), issuedAt);
    audit({ action: 'device:token:issue', entityType: 'device', entityId: id, divisionCode: device.division_code, details: { replaced: device.token_hash !== null } });
  });
  await request.server.deviceIntake.refresh([id]);
  return { token, issuedAt: issuedAt.toISOString() };
}

/** The device's gateway and its own alarm thresholds. */
export async function updateSettings(request: FastifyRequest, id: number, body: SettingsBody) {
  const db = request.server.db;
  const device = await iotOrNotFound(request, id);
  const patch: { gateway_id?: number | null; alarm_overrides?: string } = {};
  if (body.gatewayId !== undefined) {
    if (body.gatewayId !== null) {
      const gateway = await devicesRepo.iotOf(db, actorOf(request).scope, body.gatewayId);
      if (!gateway || gateway.sensor_kind !== 'gateway' || !gateway.token_hash || gateway.id === id) throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/gatewayId', code: 'GATEWAY_INVALID' }]);
    }
    patch.gateway_id = body.gatewayId;
  }
  if (body.alarmOverrides !== undefined) {
    const rules = new Map((await ingestRepo.rules(db)).filter((r) => r.sensorKind === device.sensor_kind).map((r) => [r.alarmType, r]));
    const issues: RuleIssue[] = [];
    for (const [type, own] of Object.entries(body.alarmOverrides)) {
      const rule = rules.get(type);
      if (!rule) issues.push({ field: `/alarmOverrides/${type}`, code: 'ALARM_TYPE_UNKNOWN', params: { type } });
      else issues.push(...checkThresholds(own.levels ?? rule.levels, own.clear === undefined ? rule.clear : own.clear, `/alarmOverrides/${type}`));
    }
    failOn(issues);
    patch.alarm_overrides = JSON.stringify(body.alarmOverrides);
  }
  await runCommand(request, async (trx, audit) => {
    await devicesRepo.setSettings(trx, id, patch);
    audit({
      action: 'device:settings:update',
      entityType: 'device',
      entityId: id,
      divisionCode: device.division_code,
      before: { gateway_id: device.gateway_id, alarm_overrides: device.alarm_overrides },
      after: { gateway_id: patch.gateway_id ?? device.gateway_id, alarm_overrides: body.alarmOverrides ?? device.alarm_overrides },
    });
  });
  await request.server.deviceIntake.refresh([id]);
  return deviceDetail(request, id);
}

/** Replaces a camera's zones (the video-analysis rules match detections to them). */
export async function replaceZones(request: FastifyRequest, id: number, body: ZonesBody) {
  const device = await iotOrNotFound(request, id);
  if (device.device_type !== 'camera') throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/zones', code: 'ZONE_CAMERA_ONLY' }]);
  failOn(checkZones(body.zones));
  await runCommand(request, async (trx, audit) => {
    const before = await devicesRepo.zones(trx, id);
    await devicesRepo.replaceZones(
      trx,
      id,
      body.zones.map((z) => ({ name: z.name, zone_type: z.zoneType, polygon: JSON.stringify(z.polygon), image_width: z.imageWidth, image_height: z.imageHeight, active: z.active ?? true })),
    );
    audit({ action: 'device:zone:update', entityType: 'device', entityId: id, divisionCode: device.division_code, before: { zones: before.map((z) => `${z.name}:${z.zone_type}`) }, after: { zones: body.zones.map((z) => `${z.name}:${z.zoneType}`) } });
  });
  // Video analysis matches detections to the zones it keeps in memory.
  await request.server.videoIntake.reloadCameras([id]);
  return deviceDetail(request, id);
}

/** Readings beyond this many in the range are averaged per step (about 500 steps). */
const rawLimit = 2_000;
const steps = 500;
const maxRangeMs = 366 * 86_400_000;

export async function telemetrySeries(request: FastifyRequest, id: number, query: TelemetryQuery) {
  const db = request.server.db;
  await iotOrNotFound(request, id);
  const to = query.to ? new Date(query.to) : new Date();
  const from = query.from ? new Date(query.from) : new Date(to.getTime() - 86_400_000);
  if (!(from < to) || to.getTime() - from.getTime() > maxRangeMs) throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/querystring/from', code: 'periodEmpty' }]);
  const series = new Map<string, number[][]>();
  const add = (key: string, point: number[]) => (series.get(key) ?? series.set(key, []).get(key)!).push(point);
  let stepSeconds: number | null = null;
  if ((await devicesRepo.telemetryCount(db, id, from, to)) <= rawLimit) {
    for (const row of await devicesRepo.rawTelemetry(db, id, from, to, rawLimit)) {
      for (const [key, value] of Object.entries(row.readings)) add(key, [row.ts.getTime(), value, value, value]);
    }
  } else {
    stepSeconds = Math.max(1, Math.ceil((to.getTime() - from.getTime()) / 1000 / steps));
    for (const row of await devicesRepo.bucketedTelemetry(db, id, from, to, stepSeconds)) add(row.key, [new Date(row.t).getTime(), Number(row.avg), Number(row.min), Number(row.max)]);
  }
  return { from: from.toISOString(), to: to.toISOString(), stepSeconds, series: [...series].sort(([a], [b]) => a.localeCompare(b)).map(([key, points]) => ({ key, points })) };
}

const problemStatus: Record<IntakeProblem, number> = {
  TELEMETRY_TOO_LARGE: 413,
  TELEMETRY_MALFORMED_JSON: 400,
  TELEMETRY_SHAPE: 400,
  TELEMETRY_KEY: 400,
  TELEMETRY_VALUE: 400,
  TELEMETRY_TS_FUTURE: 400,
  TELEMETRY_TS_PAST: 400,
  TELEMETRY_RATE_LIMITED: 429,
  TELEMETRY_BUSY: 503,
  GATEWAY_DEVICE_UNKNOWN: 400,
  NOT_A_GATEWAY: 400,
};

/** ThingsBoard's HTTP device API: POST /api/v1/<token>/telemetry with the same payloads as MQTT. */
export function receiveHttpTelemetry(request: FastifyRequest, token: string, body: Buffer) {
  const intake = request.server.deviceIntake;
  const device = tokenPattern.test(token) ? intake.deviceByToken(token) : undefined;
  if (!device) throw new AppError('DEVICE_TOKEN_UNKNOWN', 401);
  const outcome = intake.receive(device, 'device', body);
  if (!outcome.ok) throw new AppError(outcome.code, problemStatus[outcome.code], { detail: outcome.detail });
  // Telemetry is the device's data, kept in the telemetry table and counted on the device; it is not an
  // administrative change, so it leaves no audit record.
  request.audited = true;
  return { readings: outcome.readings };
}
