import type { ColumnType, Generated } from 'kysely';
import type { LimitUnit } from './work-calendar.ts';

/** Kysely types of the event-center tables (migration 0005). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string | undefined, string>;
/** numeric comes back as a string on both drivers. */
type Numeric = ColumnType<string, number | string, number | string>;
type NullableNumeric = ColumnType<string | null, number | string | null | undefined, number | string | null>;

export type EventSource = 'superior' | 'patrol' | 'grid' | 'public' | 'hotline' | 'iot' | 'video_ai' | 'backbone' | 'visitor' | 'inspection';
export const eventSources: readonly EventSource[] = ['superior', 'patrol', 'grid', 'public', 'hotline', 'iot', 'video_ai', 'backbone', 'visitor', 'inspection'];
export type Urgency = 'normal' | 'urgent' | 'critical';
/** reminder: closed because the party complied with a polite reminder (outreach, migration 0014). */
export type CloseType = 'normal' | 'overtime' | 'error' | 'special' | 'reminder';

export interface EventCategoryTable {
  code: string;
  kind: 'component' | 'event';
  major_code: string;
  major_name: string;
  minor_code: string;
  minor_name: string;
  name_en: string | null;
  is_extension: Generated<boolean>;
  active: Generated<boolean>;
  auto_dispatch: Generated<boolean>;
  reminder_allowed: Generated<boolean>;
  public_reportable: Generated<boolean>;
  sort: Generated<number>;
  updated_at: Timestamp;
}

export interface EventStandardTable {
  id: Generated<number>;
  category_code: string;
  register_condition: string;
  close_condition: string;
  limit_value: Numeric;
  limit_unit: LimitUnit;
  default_organization_id: number | null;
  sort: Generated<number>;
  active: Generated<boolean>;
  updated_at: Timestamp;
}

export interface WorkCalendarDayTable {
  day: ColumnType<string, string, string>;
  kind: 'holiday' | 'workday';
  name: Generated<string>;
}

export interface SettingTable {
  key: string;
  value: Json<unknown>;
  updated_at: Timestamp;
}

export interface RoutingRuleTable {
  id: Generated<number>;
  category_code: string | null;
  division_code: string | null;
  source: string | null;
  organization_id: number;
  priority: Generated<number>;
  active: Generated<boolean>;
  updated_at: Timestamp;
}

export interface EventTable {
  id: Generated<number>;
  code: string;
  source: EventSource;
  source_ref: string | null;
  idempotency_key: string | null;
  category_code: string | null;
  standard_id: number | null;
  title: string;
  description: Generated<string>;
  address: Generated<string>;
  lng: number | null;
  lat: number | null;
  grid_code: string | null;
  division_code: string;
  urgency: Generated<Urgency>;
  reporter_name: string | null;
  /** Ciphertext (privacy/field-cipher.ts); the blind index and masked form sit beside it. */
  reporter_phone: string | null;
  reporter_phone_idx: string | null;
  reporter_phone_masked: string | null;
  reporter_user_id: number | null;
  state: string;
  state_before_suspension: string | null;
  phase: string | null;
  phase_started_at: NullableTimestamp;
  phase_deadline: NullableTimestamp;
  handling_unit_id: number | null;
  co_unit_ids: Generated<number[]>;
  handle_started_at: NullableTimestamp;
  handle_deadline: NullableTimestamp;
  handle_limit_value: NullableNumeric;
  handle_limit_unit: LimitUnit | null;
  handle_finished_at: NullableTimestamp;
  handle_timed_out: Generated<boolean>;
  extension_count: Generated<number>;
  extension_request: string | null;
  suspended_at: NullableTimestamp;
  suspended_until: NullableTimestamp;
  rework_count: Generated<number>;
  return_count: Generated<number>;
  dispatch_count: Generated<number>;
  close_type: CloseType | null;
  closed_at: NullableTimestamp;
  appeal_status: Generated<'none' | 'pending' | 'approved' | 'rejected'>;
  merged_into_id: number | null;
  /** The highest open supervision step (migration 0008). */
  supervision_level: Generated<'remind' | 'supervise' | 'listed' | null>;
  follow_token_hash: string | null;
  version: Generated<number>;
  reported_at: Timestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface EventHistoryTable {
  id: Generated<number>;
  event_id: number;
  at: Timestamp;
  actor_type: 'user' | 'token' | 'system' | 'public';
  actor_id: number | null;
  actor_name: string;
  action: string;
  from_state: string | null;
  to_state: string;
  note: Generated<string>;
  organization_id: number | null;
  file_ids: Generated<number[]>;
  details: Json<Record<string, unknown>>;
  client_action_id: string | null;
}

export interface EventCodeCounterTable {
  prefix: string;
  day: string;
  last_value: number;
}

export interface EventTables {
  event_category: EventCategoryTable;
  event_standard: EventStandardTable;
  work_calendar_day: WorkCalendarDayTable;
  setting: SettingTable;
  routing_rule: RoutingRuleTable;
  event: EventTable;
  event_history: EventHistoryTable;
  event_code_counter: EventCodeCounterTable;
}
