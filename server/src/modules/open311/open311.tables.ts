import type { ColumnType, Generated } from 'kysely';

/** Kysely types of the Open311 tables (migration 0011). */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;

/** The six datatypes of GeoReport v2 service attributes. */
export const attributeDatatypes = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;
export type AttributeDatatype = (typeof attributeDatatypes)[number];

/** One choice of a list attribute. */
export interface AttributeOption {
  key: string;
  name: string;
  nameEn?: string;
}

export interface Open311AttributeTable {
  id: Generated<number>;
  category_code: string;
  code: string;
  variable: Generated<boolean>;
  datatype: AttributeDatatype;
  required: Generated<boolean>;
  datatype_description: Generated<string>;
  sort: number;
  description: string;
  description_en: string | null;
  options: Json<AttributeOption[]>;
  updated_at: Timestamp;
}

/** An answer as stored: one string, or several for a multivaluelist. */
export type AttributeAnswer = string | string[];

export interface Open311RequestTable {
  event_id: number;
  api_token_id: number;
  attributes: Json<Record<string, AttributeAnswer>>;
  media_url: string | null;
  /** Ciphertext (privacy/field-cipher.ts); the masked form sits beside it. */
  email: string | null;
  email_masked: string | null;
  device_id: string | null;
  account_id: string | null;
  created_at: Timestamp;
}

export interface Open311Tables {
  open311_attribute: Open311AttributeTable;
  open311_request: Open311RequestTable;
}
