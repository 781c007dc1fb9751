import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';
import type { GridTables } from '../modules/grids/grids.tables.ts';
import type { EventTables } from '../modules/events/events.tables.ts';
import type { RegistryTables } from '../modules/registry/registry.tables.ts';
import type { SupervisionTables } from '../modules/supervision/supervision.tables.ts';
import type { NotifyTables } from '../notify/notify.tables.ts';
import type { Open311Tables } from '../modules/open311/open311.tables.ts';
import type { DeviceTables } from '../modules/devices/devices.tables.ts';
import type { OutreachTables } from '../modules/outreach/outreach.tables.ts';
import type { EvaluationTables } from '../modules/evaluation/evaluation.tables.ts';
import type { VideoTables } from '../modules/video/video.tables.ts';

/** Kysely table types, written by hand beside the SQL migrations they mirror. */
/** Read as Date; written as Date or ISO string; optional on insert where the column has a default. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Json<T> = ColumnType<T, string, string>;

export type DivisionLevel = 'county' | 'town' | 'village' | 'grid';
export type OrganizationKind =
  | 'command_center'
  | 'department'
  | 'line'
  | 'grid_force'
  | 'auxiliary_force'
  | 'law_enforcement'
  | 'service';
export type DataScopeKind = 'division' | 'grid' | 'organization' | 'self';

export interface DivisionTable {
  code: string;
  parent_code: string | null;
  name: string;
  level: DivisionLevel;
  sort: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface OrganizationTable {
  id: Generated<number>;
  parent_id: number | null;
  code: string;
  name: string;
  kind: OrganizationKind;
  division_code: string;
  sort: Generated<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RoleTable {
  id: Generated<number>;
  code: string;
  name_zh: string;
  name_en: string;
  data_scope: DataScopeKind;
  permissions: string[];
  builtin: Generated<boolean>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AppUserTable {
  id: Generated<number>;
  username: string;
  display_name: string;
  password_hash: string;
  division_code: string;
  organization_id: number | null;
  status: Generated<'active' | 'disabled'>;
  locale: Generated<'zh-CN' | 'en'>;
  failed_logins: Generated<number>;
  locked_until: NullableTimestamp;
  password_changed_at: Timestamp;
  last_login_at: NullableTimestamp;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UserRoleTable {
  user_id: number;
  role_id: number;
}

export interface SessionTable {
  token_hash: string;
  user_id: number;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
  revoked_at: NullableTimestamp;
}

export interface ApiTokenTable {
  id: Generated<number>;
  name: string;
  token_hash: string;
  token_prefix: string;
  scopes: string[];
  division_code: string;
  created_by: number | null;
  created_at: Timestamp;
  expires_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface LoginLogTable {
  id: Generated<number>;
  username: string;
  user_id: number | null;
  success: boolean;
  reason: string;
  ip: string | null;
  user_agent: string | null;
  at: Timestamp;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor_type: 'user' | 'token' | 'system';
  actor_id: number | null;
  actor_name: string;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  action: string;
  entity_type: string;
  entity_id: string | null;
  division_code: string | null;
  changes: Json<Record<string, unknown>>;
}

export interface StoredFileTable {
  id: Generated<number>;
  sha256: string;
  mime: string;
  size: number;
  original_name: string;
  width: number | null;
  height: number | null;
  has_thumbnail: Generated<boolean>;
  owner_type: string;
  owner_id: string;
  division_code: string;
  uploaded_by: number | null;
  created_at: Timestamp;
}

export interface DictionaryItemTable {
  dict_type: string;
  value: string;
  label_zh: string;
  label_en: string;
  color: string | null;
  sort: Generated<number>;
}

/** The platform's own tables; each domain module declares its tables beside its code and joins them into DB. */
export interface PlatformTables {
  division: DivisionTable;
  organization: OrganizationTable;
  role: RoleTable;
  app_user: AppUserTable;
  user_role: UserRoleTable;
  session: SessionTable;
  api_token: ApiTokenTable;
  login_log: LoginLogTable;
  audit_log: AuditLogTable;
  stored_file: StoredFileTable;
  dictionary_item: DictionaryItemTable;
}

/** Every table Kysely knows. A module adds `extends XTables` here for its own tables. */
export interface DB extends PlatformTables, EventTables, GridTables, RegistryTables, SupervisionTables, NotifyTables, Open311Tables, DeviceTables, OutreachTables, EvaluationTables, VideoTables {}

export type Division = Selectable<DivisionTable>;
export type Organization = Selectable<OrganizationTable>;
export type Role = Selectable<RoleTable>;
export type AppUser = Selectable<AppUserTable>;
export type NewAppUser = Insertable<AppUserTable>;
export type AppUserUpdate = Updateable<AppUserTable>;
export type StoredFile = Selectable<StoredFileTable>;
