import type { ColumnType, Generated } from 'kysely';

/** Kysely types of the base-registry tables (migration 0004). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** A date column; always selected as text (`to_char`), because the two drivers parse dates differently. */
type DateColumn = ColumnType<string, string, string>;

export type HouseUse = 'residential' | 'rental' | 'shop' | 'factory' | 'mixed';
export type Relation = 'head' | 'spouse' | 'child' | 'parent' | 'other';
export type ResidenceType = 'registered' | 'floating' | 'rented';
export type EnterpriseKind = 'company' | 'individual' | 'shop';
export type PlaceKind = 'school' | 'hospital' | 'nursing_home' | 'market' | 'entertainment' | 'boat' | 'amusement' | 'other';
export type DeviceType = 'camera' | 'sensor';
export type DeviceStatus = 'online' | 'offline';

/** The columns every registry record shares: where it is and which grid that falls in. */
export interface Located {
  id: Generated<number>;
  lng: number;
  lat: number;
  grid_code: string;
  division_code: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface HouseTable extends Located {
  address: string;
  owner_name: string | null;
  use_type: HouseUse;
  floors: number | null;
}

export interface HouseholdTable extends Located {
  household_no: string;
  address: string | null;
  house_id: number | null;
  head_person_id: number | null;
}

export interface PersonTable extends Located {
  name: string;
  id_number_enc: string;
  id_number_idx: string;
  id_number_masked: string;
  phone_enc: string | null;
  phone_idx: string | null;
  phone_masked: string | null;
  gender: 'M' | 'F';
  birth_date: DateColumn;
  household_id: number | null;
  relation: Relation | null;
  residence_type: ResidenceType;
  tags: string[];
  house_id: number | null;
  room: string | null;
}

export interface EnterpriseTable extends Located {
  name: string;
  credit_code: string;
  kind: EnterpriseKind;
  industry: string | null;
  legal_rep: string | null;
  phone_enc: string | null;
  phone_idx: string | null;
  phone_masked: string | null;
  address: string;
}

export interface KeyPlaceTable extends Located {
  name: string;
  kind: PlaceKind;
  address: string;
  crowded: boolean;
  contact_name: string | null;
}

export interface DeviceTable extends Located {
  device_type: DeviceType;
  name: string;
  channel_id: string | null;
  serial_no: string | null;
  sensor_kind: string | null;
  ai_enabled: boolean;
  status: DeviceStatus;
  last_seen_at: NullableTimestamp;
  address: string | null;
  /** Generated: the channel id of a camera, the serial of a sensor. */
  device_key: ColumnType<string, never, never>;
  /** IoT intake and cameras (migration 0012). */
  token_hash: ColumnType<string | null, string | null | undefined, string | null>;
  token_issued_at: NullableTimestamp;
  report_interval_s: ColumnType<number | null, number | null | undefined, number | null>;
  gateway_id: ColumnType<number | null, number | null | undefined, number | null>;
  alarm_overrides: ColumnType<Record<string, unknown>, string | undefined, string>;
  view_description: ColumnType<string | null, string | null | undefined, string | null>;
  stream_url: ColumnType<string | null, string | null | undefined, string | null>;
  snapshot_url: ColumnType<string | null, string | null | undefined, string | null>;
  telemetry_rejected: ColumnType<number, number | undefined, number>;
  last_error: ColumnType<string | null, string | null | undefined, string | null>;
  last_error_at: NullableTimestamp;
}

export interface RegistryTables {
  house: HouseTable;
  household: HouseholdTable;
  person: PersonTable;
  enterprise: EnterpriseTable;
  key_place: KeyPlaceTable;
  device: DeviceTable;
}

export type RegistryTableName = keyof RegistryTables;
