import { sql, type Kysely, type SelectQueryBuilder, type SqlBool, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { DataScope } from '../../auth/actor.ts';
import { divisionPrefix, scopeCondition } from '../../auth/scope-filter.ts';
import type { AlarmTable, Severity } from './devices.tables.ts';

/** The SQL of the device and alarm API (the intake's own is in ingest.repo.ts). */
type Db = Kysely<DB> | Transaction<DB>;

export interface DeviceFilter {
  type?: 'camera' | 'sensor';
  sensorKind?: string;
  status?: 'online' | 'offline';
  divisionCode?: string;
  keyword?: string;
  /** Only devices with an active alarm. */
  alarmed?: boolean;
}

export interface AlarmFilter {
  status?: 'active' | 'cleared';
  severity?: Severity;
  acknowledged?: boolean;
  divisionCode?: string;
  deviceId?: number;
  alarmType?: string;
}

const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** The most severe active alarm of a device, 1 (critical) … 4 (warning). */
const topSeverityRank = sql<number | null>`(SELECT min(array_position(ARRAY['critical','major','minor','warning'], a.severity)) FROM alarm a WHERE a.device_id = d.id AND a.status = 'active')`;

export const devicesRepo = {
  async list(db: Db, scope: DataScope, filter: DeviceFilter, window: { limit: number; offset: number }) {
    let q = db.selectFrom('device as d').where(scopeCondition(scope, { division: 'd.division_code' }));
    if (filter.type) q = q.where('d.device_type', '=', filter.type);
    if (filter.sensorKind) q = q.where('d.sensor_kind', '=', filter.sensorKind);
    if (filter.status) q = q.where('d.status', '=', filter.status);
    if (filter.divisionCode) q = q.where(divisionPrefix('d.division_code', filter.divisionCode));
    if (filter.keyword) {
      const text = like(filter.keyword);
      q = q.where((eb) => eb.or([eb('d.name', 'ilike', text), eb('d.serial_no', 'ilike', text), eb('d.channel_id', 'ilike', text), eb('d.address', 'ilike', text)]));
    }
    if (filter.alarmed) q = q.where(sql<SqlBool>`EXISTS (SELECT 1 FROM alarm a WHERE a.device_id = d.id AND a.status = 'active')`);
    const [count, items] = await Promise.all([
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      q
        .leftJoin('division as v', (join) => join.onRef('v.code', '=', sql`substr(d.grid_code, 1, 12)`))
        .select([
          'd.id',
          'd.device_type',
          'd.name',
          'd.channel_id',
          'd.serial_no',
          'd.sensor_kind',
          'd.ai_enabled',
          'd.status',
          'd.last_seen_at',
          'd.address',
          'd.grid_code',
          'v.name as village_name',
          sql<boolean>`d.token_hash IS NOT NULL`.as('reporting'),
          sql<number>`(SELECT count(*)::int FROM alarm a WHERE a.device_id = d.id AND a.status = 'active')`.as('active_alarms'),
          topSeverityRank.as('top_severity_rank'),
        ])
        // Devices in alarm first, then the most recently heard from.
        .orderBy(sql`${topSeverityRank} NULLS LAST`)
        .orderBy(sql`d.last_seen_at DESC NULLS LAST`)
        .orderBy('d.id')
        .limit(window.limit)
        .offset(window.offset)
        .execute(),
    ]);
    return { total: count.n, items };
  },

  /** The IoT columns of a device in scope. */
  iotOf(db: Db, scope: DataScope, id: number) {
    return db
      .selectFrom('device as d')
      .select(['d.id', 'd.device_type', 'd.sensor_kind', 'd.division_code', 'd.token_hash', 'd.token_issued_at', 'd.gateway_id', 'd.alarm_overrides', 'd.telemetry_rejected', 'd.last_error', 'd.last_error_at'])
      .where('d.id', '=', id)
      .where(scopeCondition(scope, { division: 'd.division_code' }))
      .executeTakeFirst();
  },

  gateway(db: Db, id: number) {
    return db.selectFrom('device').select(['id', 'sensor_kind', 'token_hash', 'division_code']).where('id', '=', id).executeTakeFirst();
  },

  async setToken(trx: Db, id: number, hash: string, at: Date) {
    await trx.updateTable('device').set({ token_hash: hash, token_issued_at: at }).where('id', '=', id).execute();
  },

  async setSettings(trx: Db, id: number, patch: { gateway_id?: number | null; alarm_overrides?: string }) {
    await trx.updateTable('device').set({ ...patch, updated_at: new Date() }).where('id', '=', id).execute();
  },

  zones(db: Db, deviceId: number) {
    return db.selectFrom('camera_zone').selectAll().where('device_id', '=', deviceId).orderBy('id').execute();
  },

  async replaceZones(trx: Db, deviceId: number, zones: { name: string; zone_type: string; polygon: string; image_width: number; image_height: number; active: boolean }[]) {
    await trx.deleteFrom('camera_zone').where('device_id', '=', deviceId).execute();
    if (zones.length) await trx.insertInto('camera_zone').values(zones.map((z) => ({ ...z, device_id: deviceId, zone_type: z.zone_type as never }))).execute();
  },

  latestTelemetry(db: Db, deviceId: number) {
    return db.selectFrom('telemetry').select(['ts', 'readings']).where('device_id', '=', deviceId).orderBy('ts', 'desc').limit(1).executeTakeFirst();
  },

  async telemetryCount(db: Db, deviceId: number, from: Date, to: Date): Promise<number> {
    const row = await db.selectFrom('telemetry').select(sql<number>`count(*)::int`.as('n')).where('device_id', '=', deviceId).where('ts', '>=', from).where('ts', '<=', to).executeTakeFirstOrThrow();
    return row.n;
  },

  rawTelemetry(db: Db, deviceId: number, from: Date, to: Date, limit: number) {
    return db.selectFrom('telemetry').select(['ts', 'readings']).where('device_id', '=', deviceId).where('ts', '>=', from).where('ts', '<=', to).orderBy('ts').limit(limit).execute();
  },

  /** Average, minimum and maximum of each key per `stepSeconds` bucket (peaks survive in min/max). */
  async bucketedTelemetry(db: Db, deviceId: number, from: Date, to: Date, stepSeconds: number) {
    const result = await sql<{ t: Date; key: string; avg: number; min: number; max: number }>`
      SELECT to_timestamp(floor(extract(epoch FROM t.ts) / ${stepSeconds}) * ${stepSeconds}) AS t, kv.key,
             avg(kv.value::float8) AS avg, min(kv.value::float8) AS min, max(kv.value::float8) AS max
      FROM telemetry t, jsonb_each_text(t.readings) AS kv
      WHERE t.device_id = ${deviceId} AND t.ts >= ${from} AND t.ts <= ${to}
      GROUP BY 1, 2 ORDER BY 1`.execute(db);
    return result.rows;
  },

  async alarms(db: Db, scope: DataScope, filter: AlarmFilter, window: { limit: number; offset: number }) {
    let q = db.selectFrom('alarm as a').where(scopeCondition(scope, { division: 'a.division_code' }));
    if (filter.status) q = q.where('a.status', '=', filter.status);
    if (filter.severity) q = q.where('a.severity', '=', filter.severity);
    if (filter.acknowledged !== undefined) q = q.where('a.acknowledged', '=', filter.acknowledged);
    if (filter.divisionCode) q = q.where(divisionPrefix('a.division_code', filter.divisionCode));
    if (filter.deviceId) q = q.where('a.device_id', '=', filter.deviceId);
    if (filter.alarmType) q = q.where('a.alarm_type', '=', filter.alarmType);
    const [count, items] = await Promise.all([
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      alarmColumns(q)
        .orderBy(sql`CASE WHEN a.status = 'active' THEN 0 ELSE 1 END`)
        .orderBy(sql`array_position(ARRAY['critical','major','minor','warning'], a.severity)`)
        .orderBy('a.last_at', 'desc')
        .limit(window.limit)
        .offset(window.offset)
        .execute(),
    ]);
    return { total: count.n, items };
  },

  alarmVisible(db: Db, scope: DataScope, id: number) {
    return alarmColumns(db.selectFrom('alarm as a').where(scopeCondition(scope, { division: 'a.division_code' })).where('a.id', '=', id)).executeTakeFirst();
  },

  async activeCounts(db: Db, scope: DataScope, divisionCode?: string) {
    let q = db.selectFrom('alarm as a').select(['a.severity', sql<number>`count(*)::int`.as('n'), sql<number>`count(*) FILTER (WHERE NOT a.acknowledged)::int`.as('unacknowledged')]).where('a.status', '=', 'active').where(scopeCondition(scope, { division: 'a.division_code' }));
    if (divisionCode) q = q.where(divisionPrefix('a.division_code', divisionCode));
    return q.groupBy('a.severity').execute();
  },

  async acknowledge(trx: Db, id: number, by: string, at: Date) {
    return trx.updateTable('alarm').set({ acknowledged: true, ack_at: at, ack_by: by }).where('id', '=', id).where('acknowledged', '=', false).returning('id').executeTakeFirst();
  },

  async clearByHand(trx: Db, id: number, by: string, at: Date, note: string | undefined) {
    return trx
      .updateTable('alarm')
      .set({ status: 'cleared', cleared_at: at, cleared_by: by, clear_reason: 'manual', details: sql`details || ${JSON.stringify(note ? { clearNote: note } : {})}::jsonb` })
      .where('id', '=', id)
      .where('status', '=', 'active')
      .returning('id')
      .executeTakeFirst();
  },
};

type AlarmQuery = SelectQueryBuilder<DB & { a: AlarmTable }, 'a', {}>;

function alarmColumns(q: AlarmQuery) {
  return q
    .innerJoin('device as d', 'd.id', 'a.device_id')
    .leftJoin('alarm_rule as r', 'r.id', 'a.rule_id')
    .leftJoin('event as e', 'e.id', 'a.event_id')
    .select([
      'a.id',
      'a.device_id',
      'd.name as device_name',
      'd.sensor_kind',
      'd.address',
      'a.alarm_type',
      'r.name_zh as rule_name_zh',
      'r.name_en as rule_name_en',
      'a.severity',
      'a.status',
      'a.acknowledged',
      'a.count',
      'a.started_at',
      'a.last_at',
      'a.ack_at',
      'a.ack_by',
      'a.cleared_at',
      'a.cleared_by',
      'a.clear_reason',
      'a.details',
      'a.event_id',
      'e.code as event_code',
      'e.state as event_state',
      'a.event_error',
      'a.division_code',
    ]);
}
