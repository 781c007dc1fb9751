import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../auth/auth.plugin.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { pageWindow } from '../../http/pagination.ts';
import { severities } from './devices.tables.ts';
import { devicesRepo, type AlarmFilter } from './devices.repo.ts';
import { clearedNote, noteClearedIn } from './alarm-events.ts';
import { offlineAlarm } from './ingest.ts';
import type { AlarmQuery, DeviceAlarmQuery } from './devices.schema.ts';

type AlarmRow = NonNullable<Awaited<ReturnType<typeof devicesRepo.alarmVisible>>>;
const iso = (d: Date | null) => (d ? d.toISOString() : null);

function present(row: AlarmRow, locale: 'zh-CN' | 'en') {
  const offline = locale === 'en' ? 'Device offline' : '设备离线';
  return {
    id: Number(row.id),
    deviceId: row.device_id,
    deviceName: row.device_name,
    sensorKind: row.sensor_kind,
    address: row.address,
    alarmType: row.alarm_type,
    name: (locale === 'en' ? row.rule_name_en : row.rule_name_zh) ?? (row.alarm_type === offlineAlarm ? offline : row.alarm_type),
    severity: row.severity,
    status: row.status,
    acknowledged: row.acknowledged,
    count: row.count,
    startedAt: row.started_at.toISOString(),
    lastAt: row.last_at.toISOString(),
    ackAt: iso(row.ack_at),
    ackBy: row.ack_by,
    clearedAt: iso(row.cleared_at),
    clearedBy: row.cleared_by,
    clearReason: row.clear_reason,
    details: row.details,
    eventId: row.event_id === null ? null : Number(row.event_id),
    eventCode: row.event_code,
    eventState: row.event_state,
    eventError: row.event_error,
    divisionCode: row.division_code,
  };
}

async function page(request: FastifyRequest, filter: AlarmFilter, query: { page?: number; pageSize?: number }) {
  const actor = actorOf(request);
  const window = pageWindow(query);
  const { total, items } = await devicesRepo.alarms(request.server.db, actor.scope, filter, window);
  return { total, page: window.page, pageSize: window.pageSize, items: items.map((row) => present(row, actor.locale)) };
}

/** The alarm console: active first, most severe first, then the latest. */
export const listAlarms = (request: FastifyRequest, query: AlarmQuery) => page(request, query, query);

export async function deviceAlarms(request: FastifyRequest, deviceId: number, query: DeviceAlarmQuery) {
  if (!(await devicesRepo.iotOf(request.server.db, actorOf(request).scope, deviceId))) throw notFound();
  return page(request, { deviceId, status: query.status }, query);
}

export async function alarmSummary(request: FastifyRequest, divisionCode: string | undefined) {
  const rows = await devicesRepo.activeCounts(request.server.db, actorOf(request).scope, divisionCode);
  return { items: severities.map((severity) => ({ severity, count: rows.find((r) => r.severity === severity)?.n ?? 0, unacknowledged: rows.find((r) => r.severity === severity)?.unacknowledged ?? 0 })) };
}

export async function getAlarm(request: FastifyRequest, id: number) {
  const actor = actorOf(request);
  const row = await devicesRepo.alarmVisible(request.server.db, actor.scope, id);
  if (!row) throw notFound();
  return present(row, actor.locale);
}

/** 确认: someone has seen it. Acknowledging twice changes nothing. */
export async function acknowledgeAlarm(request: FastifyRequest, id: number) {
  const actor = actorOf(request);
  const changed = await runCommand(request, async (trx, audit) => {
    const row = await devicesRepo.alarmVisible(trx, actor.scope, id);
    if (!row) throw notFound();
    if (!(await devicesRepo.acknowledge(trx, id, actor.name, new Date()))) return false;
    audit({ action: 'device:alarm:acknowledge', entityType: 'alarm', entityId: id, divisionCode: row.division_code, before: { acknowledged: false }, after: { acknowledged: true } });
    return true;
  });
  if (!changed) request.audited = true;
  return getAlarm(request, id);
}

/**
 * 清除 by hand (the cause is dealt with, or the sensor is being serviced). The alarm's event, if any,
 * gets a note and goes on; the next trigger opens a new alarm.
 */
export async function clearAlarm(request: FastifyRequest, id: number, note: string | undefined) {
  const actor = actorOf(request);
  const row = await runCommand(request, async (trx, audit) => {
    const row = await devicesRepo.alarmVisible(trx, actor.scope, id);
    if (!row) throw notFound();
    if (!(await devicesRepo.clearByHand(trx, id, actor.name, new Date(), note))) throw new AppError('ALARM_NOT_ACTIVE', 409);
    if (row.event_id !== null) {
      const rule = row.rule_name_zh ? { nameZh: row.rule_name_zh } : null;
      await noteClearedIn(trx, audit, Number(row.event_id), `${clearedNote(rule, 'manual', actor.name)}${note ? `说明：${note}` : ''}`, { type: actor.type, id: actor.id, name: actor.name }, id);
    }
    audit({ action: 'device:alarm:clear', entityType: 'alarm', entityId: id, divisionCode: row.division_code, before: { status: 'active' }, after: { status: 'cleared', clear_reason: 'manual' }, details: note ? { note } : undefined });
    return row;
  });
  request.server.deviceIntake.forgetAlarm(row.device_id, row.alarm_type, id);
  request.server.realtime.publish({ type: 'alarm.cleared', divisionCode: row.division_code, data: { id, deviceId: row.device_id, alarmType: row.alarm_type, reason: 'manual' } });
  return getAlarm(request, id);
}
