import type { ColumnType, Generated } from 'kysely';

/** Kysely types of the supervision and callback tables (migration 0008). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** 催办 (remind), 督办 (supervise), 挂牌督办 (listed), in rising order. */
export type SupervisionLevel = 'remind' | 'supervise' | 'listed';
export type Satisfaction = 'satisfied' | 'basically_satisfied' | 'dissatisfied';

export interface EventSupervisionTable {
  id: Generated<number>;
  event_id: number;
  level: SupervisionLevel;
  trigger: 'auto' | 'manual';
  phase: string | null;
  phase_deadline: NullableTimestamp;
  organization_id: number | null;
  division_code: string;
  requirement: Generated<string>;
  reply_required: Generated<boolean>;
  reply_deadline: NullableTimestamp;
  reply: string | null;
  replied_at: NullableTimestamp;
  replied_by: number | null;
  status: Generated<'open' | 'replied' | 'closed'>;
  created_by: number | null;
  created_at: Timestamp;
  closed_at: NullableTimestamp;
}

export interface EventCallbackTable {
  id: Generated<number>;
  event_id: number;
  closed_at: ColumnType<Date, Date | string, Date | string>;
  valid: Generated<boolean>;
  contacted: Generated<boolean>;
  resolved: boolean;
  satisfaction: Satisfaction;
  comment: Generated<string>;
  channel: 'h5' | 'staff' | 'open311';
  recorded_by: number | null;
  division_code: string;
  handling_unit_id: number | null;
  at: Timestamp;
}

export interface SupervisionTables {
  event_supervision: EventSupervisionTable;
  event_callback: EventCallbackTable;
}
