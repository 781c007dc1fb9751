import type { ColumnType } from 'kysely';

/** Kysely types of the evaluation tables (migration 0010). */
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** Per-case facts derived from the history by a trigger (never written by the application). */
export interface EventStatTable {
  event_id: number;
  reported_at: ColumnType<Date, Date | string, Date | string>;
  registered_at: NullableTimestamp;
  first_dispatched_at: NullableTimestamp;
  first_dispatched_by: number | null;
  dispatch_unit_ids: number[];
  handled_by: number | null;
}

export interface EvaluationTables {
  event_stat: EventStatTable;
}
