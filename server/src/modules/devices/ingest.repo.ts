import { sql, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { ClearReason, Condition, Level, Severity } from './devices.tables.ts';
import type { Rule } from './alarm-rules.ts';

/**
 * The SQL of the telemetry intake: what it loads on start and refresh, and the batched writes of a
 * flush. Batches travel as one array parameter per column (INSERT/UPDATE … FROM unnest), so a flush
 * of a thousand readings is a handful of statements.
 */
type Db = Kysely<DB> | Transaction<DB>;

export interface ReportingDeviceRow {
  id: number;
  name: string;
  serial_no: string | null;
  sensor_kind: string | null;
  token_hash: string | null;
  gateway_id: number | null;
  report_interval_s: number | null;
  alarm_overrides: Record<string, unknown>;
  status: 'online' | 'offline';
  last_seen_at: Date | null;
  address: string | null;
  lng: number;
  lat: number;
  division_code: string;
}

export interface TelemetryRow {
  deviceId: number;
  ts: number;
  values: Record<string, number>;
}

export interface DeviceUpdate {
  id: number;
  seenAt: number | null;
  status: 'online' | 'offline';
  rejected: number;
  error: string | null;
  errorAt: number | null;
}

export interface PendingRow {
  deviceId: number;
  alarmType: string;
  matches: number;
  since: number;
}

export interface NewAlarm {
  deviceId: number;
  alarmType: string;
  ruleId: number | null;
  severity: Severity;
  count: number;
  startedAt: number;
  lastAt: number;
  details: Record<string, unknown>;
  divisionCode: string;
}

export interface AlarmChange {
  id: number;
  severity: Severity;
  count: number;
  lastAt: number;
  details: Record<string, unknown>;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const reportingColumns = [
  'id',
  'name',
  'serial_no',
  'sensor_kind',
  'token_hash',
  'gateway_id',
  'report_interval_s',
  'alarm_overrides',
  'status',
  'last_seen_at',
  'address',
  'lng',
  'lat',
  'division_code',
] as const;

export const ingestRepo = {
  /** Devices that report: they hold a token, or a gateway reports for them. */
  reportingDevices(db: Db, ids?: number[]): Promise<ReportingDeviceRow[]> {
    let q = db.selectFrom('device').select(reportingColumns).where((eb) => eb.or([eb('token_hash', 'is not', null), eb('gateway_id', 'is not', null)]));
    if (ids) q = q.where('id', 'in', ids.length ? ids : [0]);
    return q.execute() as Promise<ReportingDeviceRow[]>;
  },

  async rules(db: Db): Promise<Rule[]> {
    const rows = await db.selectFrom('alarm_rule').selectAll().orderBy('sensor_kind').orderBy('id').execute();
    return rows.map(ruleOf);
  },

  activeAlarms(db: Db) {
    return db
      .selectFrom('alarm')
      .select(['id', 'device_id', 'alarm_type', 'rule_id', 'severity', 'count', 'started_at', 'last_at', 'details', 'event_id'])
      .where('status', '=', 'active')
      .execute();
  },

  pending(db: Db) {
    return db.selectFrom('alarm_pending').selectAll().execute();
  },

  async insertTelemetry(trx: Db, rows: TelemetryRow[]) {
    if (rows.length === 0) return;
    await sql`
      INSERT INTO telemetry (device_id, ts, readings)
      SELECT * FROM unnest(${rows.map((r) => r.deviceId)}::int4[], ${rows.map((r) => iso(r.ts))}::timestamptz[], ${rows.map((r) => JSON.stringify(r.values))}::jsonb[])`.execute(trx);
  },

  async updateDevices(trx: Db, updates: DeviceUpdate[]) {
    if (updates.length === 0) return;
    const column = <T>(pick: (u: DeviceUpdate) => T) => updates.map(pick);
    await sql`
      UPDATE device d SET
        last_seen_at = GREATEST(d.last_seen_at, u.seen_at),
        status = u.status,
        telemetry_rejected = d.telemetry_rejected + u.rejected,
        last_error = COALESCE(u.error, d.last_error),
        last_error_at = COALESCE(u.error_at, d.last_error_at)
      FROM unnest(${column((u) => u.id)}::int4[], ${column((u) => iso(u.seenAt))}::timestamptz[], ${column((u) => u.status)}::text[],
                  ${column((u) => u.rejected)}::int4[], ${column((u) => u.error)}::text[], ${column((u) => iso(u.errorAt))}::timestamptz[])
        AS u(id, seen_at, status, rejected, error, error_at)
      WHERE d.id = u.id`.execute(trx);
  },

  async savePending(trx: Db, upserts: PendingRow[], removals: { deviceId: number; alarmType: string }[]) {
    if (removals.length) {
      await sql`
        DELETE FROM alarm_pending p USING unnest(${removals.map((r) => r.deviceId)}::int4[], ${removals.map((r) => r.alarmType)}::text[]) AS u(device_id, alarm_type)
        WHERE p.device_id = u.device_id AND p.alarm_type = u.alarm_type`.execute(trx);
    }
    if (upserts.length) {
      await sql`
        INSERT INTO alarm_pending (device_id, alarm_type, matches, since)
        SELECT * FROM unnest(${upserts.map((r) => r.deviceId)}::int4[], ${upserts.map((r) => r.alarmType)}::text[], ${upserts.map((r) => r.matches)}::int4[], ${upserts.map((r) => iso(r.since))}::timestamptz[])
        ON CONFLICT (device_id, alarm_type) DO UPDATE SET matches = excluded.matches, since = excluded.since`.execute(trx);
    }
  },

  /**
   * A new active alarm. Should one be active already (cleared by hand meanwhile and re-raised by another
   * node), it is extended instead: still at most one active alarm per device and type.
   */
  async openAlarm(trx: Db, alarm: NewAlarm): Promise<number> {
    const row = await sql<{ id: number }>`
      INSERT INTO alarm (device_id, alarm_type, rule_id, severity, count, started_at, last_at, details, division_code)
      VALUES (${alarm.deviceId}, ${alarm.alarmType}, ${alarm.ruleId}, ${alarm.severity}, ${alarm.count}, ${iso(alarm.startedAt)}, ${iso(alarm.lastAt)}, ${JSON.stringify(alarm.details)}::jsonb, ${alarm.divisionCode})
      ON CONFLICT (device_id, alarm_type) WHERE status = 'active'
      DO UPDATE SET count = alarm.count + excluded.count, last_at = excluded.last_at, severity = excluded.severity, details = excluded.details
      RETURNING id`.execute(trx);
    return Number(row.rows[0]!.id);
  },

  async updateAlarms(trx: Db, changes: AlarmChange[]) {
    if (changes.length === 0) return;
    await sql`
      UPDATE alarm a SET severity = u.severity, count = u.count, last_at = u.last_at, details = u.details
      FROM unnest(${changes.map((c) => c.id)}::int8[], ${changes.map((c) => c.severity)}::text[], ${changes.map((c) => c.count)}::int4[],
                  ${changes.map((c) => iso(c.lastAt))}::timestamptz[], ${changes.map((c) => JSON.stringify(c.details))}::jsonb[]) AS u(id, severity, count, last_at, details)
      WHERE a.id = u.id AND a.status = 'active'`.execute(trx);
  },

  /** Clears an active alarm; false when it was not active any more (cleared by hand meanwhile). */
  async clearAlarm(trx: Db, id: number, at: number, reason: ClearReason, by: string, change: Omit<AlarmChange, 'id'>): Promise<boolean> {
    const result = await trx
      .updateTable('alarm')
      .set({ status: 'cleared', cleared_at: new Date(at), cleared_by: by, clear_reason: reason, severity: change.severity, count: change.count, last_at: new Date(change.lastAt), details: JSON.stringify(change.details) })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  },

  setAlarmEvent(db: Db, id: number, eventId: number | null, error: string | null) {
    return db.updateTable('alarm').set({ event_id: eventId, event_error: error }).where('id', '=', id).execute();
  },
};

export function ruleOf(row: {
  id: number;
  sensor_kind: string;
  alarm_type: string;
  name_zh: string;
  name_en: string;
  telemetry_key: string;
  levels: Level[];
  mode: Rule['mode'];
  duration_s: number | null;
  repeat_count: number | null;
  clear_condition: Condition | null;
  event_category: string | null;
  event_min_severity: Severity | null;
  active: boolean;
}): Rule {
  return {
    id: row.id,
    sensorKind: row.sensor_kind,
    alarmType: row.alarm_type,
    nameZh: row.name_zh,
    nameEn: row.name_en,
    key: row.telemetry_key,
    levels: row.levels,
    mode: row.mode,
    durationSeconds: row.duration_s,
    repeatCount: row.repeat_count,
    clear: row.clear_condition,
    eventCategory: row.event_category,
    eventMinSeverity: row.event_min_severity,
    active: row.active,
  };
}
