import type { ColumnType, Generated } from 'kysely';

/** Kysely types of the device, telemetry and alarm tables (migration 0012; the device columns are in registry.tables.ts). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;
type NullableJson<T> = ColumnType<T | null, string | null, string | null>;

export type Severity = 'critical' | 'major' | 'minor' | 'warning';
/** Most severe first: levels are checked in this order and the first that holds wins. */
export const severities: readonly Severity[] = ['critical', 'major', 'minor', 'warning'];
export type ComparisonOp = '>' | '>=' | '<' | '<=' | '==' | 'between';
export type RuleMode = 'simple' | 'duration' | 'repeating';
export type ZoneType = 'no_parking' | 'no_stall' | 'no_dumping' | 'no_hanging' | 'no_occupation' | 'watch';
export const zoneTypes: readonly ZoneType[] = ['no_parking', 'no_stall', 'no_dumping', 'no_hanging', 'no_occupation', 'watch'];
export type ClearReason = 'condition' | 'manual' | 'online' | 'rule_removed';

/** `between` holds for value ≤ x ≤ value2. */
export interface Condition {
  op: ComparisonOp;
  value: number;
  value2?: number;
}
export interface Level extends Condition {
  severity: Severity;
}

export interface CameraZoneTable {
  id: Generated<number>;
  device_id: number;
  name: string;
  zone_type: ZoneType;
  polygon: Json<[number, number][]>;
  image_width: number;
  image_height: number;
  active: Generated<boolean>;
  updated_at: Timestamp;
}

export interface TelemetryTable {
  device_id: number;
  ts: Timestamp;
  readings: Json<Record<string, number>>;
}

export interface AlarmRuleTable {
  id: Generated<number>;
  sensor_kind: string;
  alarm_type: string;
  name_zh: string;
  name_en: string;
  telemetry_key: string;
  levels: Json<Level[]>;
  mode: RuleMode;
  duration_s: number | null;
  repeat_count: number | null;
  clear_condition: NullableJson<Condition>;
  event_category: string | null;
  event_min_severity: Severity | null;
  active: Generated<boolean>;
  source_note: Generated<string>;
  updated_at: Timestamp;
}

export interface AlarmTable {
  id: Generated<number>;
  device_id: number;
  alarm_type: string;
  rule_id: number | null;
  severity: Severity;
  status: Generated<'active' | 'cleared'>;
  acknowledged: Generated<boolean>;
  count: Generated<number>;
  started_at: Timestamp;
  last_at: Timestamp;
  ack_at: NullableTimestamp;
  ack_by: string | null;
  cleared_at: NullableTimestamp;
  cleared_by: string | null;
  clear_reason: ClearReason | null;
  details: Json<Record<string, unknown>>;
  event_id: number | null;
  event_error: string | null;
  division_code: string;
}

export interface AlarmPendingTable {
  device_id: number;
  alarm_type: string;
  matches: number;
  since: Timestamp;
}

export interface DeviceTables {
  camera_zone: CameraZoneTable;
  telemetry: TelemetryTable;
  alarm_rule: AlarmRuleTable;
  alarm: AlarmTable;
  alarm_pending: AlarmPendingTable;
}
