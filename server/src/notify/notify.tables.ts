import type { ColumnType, Generated } from 'kysely';

/** Kysely types of the in-app notice table (migration 0008). */
export interface NotificationTable {
  id: Generated<number>;
  user_id: number;
  /** An i18n key; the reader's language renders it with params. */
  kind: string;
  params: ColumnType<Record<string, unknown>, string | undefined, string>;
  entity_type: string | null;
  entity_id: string | null;
  created_at: ColumnType<Date, Date | string | undefined, Date | string>;
  read_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
}

export interface NotifyTables {
  notification: NotificationTable;
}
