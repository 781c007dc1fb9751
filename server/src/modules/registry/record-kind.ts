import type { TSchema } from 'typebox';
import type { FieldCipher } from '../../privacy/field-cipher.ts';
import type { RegistryTableName } from './registry.tables.ts';

/**
 * A registry record type (person, house, enterprise…) described once: its fields drive the API body
 * schemas, the import columns and template, the export columns and the views. Each kind adds what is
 * its own: how input becomes columns (validation, encryption, derived values) and its natural key.
 */
export type Entity = 'person' | 'household' | 'house' | 'enterprise' | 'place' | 'device';

export interface EnumOption {
  value: string;
  zh: string;
  en: string;
}

export type FieldType = 'text' | 'integer' | 'number' | 'boolean' | 'enum' | 'dictionary' | 'tags' | 'datetime';

export interface FieldSpec {
  /** The key in API bodies and views (camelCase). */
  key: string;
  /** Column headers: the Chinese one is the template's; the English one and aliases are also recognised. */
  zh: string;
  en: string;
  aliases?: readonly string[];
  type: FieldType;
  /** Must be given when a record is created. */
  required?: boolean;
  maxLength?: number;
  min?: number;
  max?: number;
  /** The closed set of an `enum` field. */
  options?: readonly EnumOption[];
  /** The dictionary (dictionary_item.dict_type) of a `dictionary` or `tags` field. */
  dictionary?: string;
  /** Taken when the field is given empty (the column's database default; such columns are never null). */
  default?: unknown;
  /** Personal data: masked in views and exports, revealed only through the audited reveal route. */
  personal?: boolean;
}

/** A problem with one field of one record; `code` is a message key suffix (`validation.<code>`). */
export interface FieldIssue {
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

/** Typed input, as the API body schema or the import cell parser delivers it. */
export type RecordInput = Record<string, unknown>;

/** Dictionary values by type, with their labels, for `dictionary` and `tags` fields. */
export type Dictionaries = Map<string, EnumOption[]>;

export interface BuildContext {
  cipher: FieldCipher;
  dictionaries: Dictionaries;
  today: Date;
}

export interface RecordKind {
  entity: Entity;
  /** URL segment under /api/registry/. */
  path: string;
  table: RegistryTableName;
  label: { zh: string; en: string };
  fields: readonly FieldSpec[];
  /**
   * Input → column values for the fields present in `input` (absent fields are left alone, so the same
   * code serves create, partial update and re-import). `current` is the stored row on update.
   * Location fields (lng, lat) and references (house address, household number) are resolved elsewhere.
   */
  toColumns(input: RecordInput, ctx: BuildContext, current?: Record<string, unknown>): { values: Record<string, unknown>; issues: FieldIssue[] };
  /** The natural key re-imports match on, from the built column values (and the stored row on update). */
  naturalKey: {
    of(values: Record<string, unknown>): string | null;
    /** The input field a duplicate is reported on. */
    field(values: Record<string, unknown>): string;
  };
  /** The kind's `type` filter column, if it has one. */
  typeColumn?: string;
  /** Row of the kind's select (registry.repo.ts) → view keyed by field keys, personal data masked. */
  present(row: Record<string, unknown>): Record<string, unknown>;
  /** View members beyond the fields (derived or joined values), as schemas. */
  viewExtras?: Record<string, TSchema>;
  /** What a map layer shows: a kind for the symbol, a name (never personal data) and, for devices, the status. */
  mapProperties(row: Record<string, unknown>): { kind: string; name: string | null; status?: string };
  /** Records of this kind may leave out their coordinates and take the referenced house's (house address). */
  locatedByHouse?: boolean;
}

/** What a spreadsheet of records needs: its name, its columns and how it is located. Other modules' sheets (the plate registry) are this too. */
export type SheetKind = Pick<RecordKind, 'label' | 'fields' | 'locatedByHouse'>;

export const textField = (key: string, zh: string, en: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ key, zh, en, type: 'text', maxLength: 200, ...extra });

export const lngField: FieldSpec = { key: 'lng', zh: '经度', en: 'Longitude', aliases: ['lon', 'longitude', 'x'], type: 'number', min: -180, max: 180 };
export const latField: FieldSpec = { key: 'lat', zh: '纬度', en: 'Latitude', aliases: ['latitude', 'y'], type: 'number', min: -90, max: 90 };

/** Copies the given text fields into columns, empty strings as null. */
export function copyText(input: RecordInput, values: Record<string, unknown>, map: Record<string, string>) {
  for (const [key, column] of Object.entries(map)) {
    if (input[key] === undefined) continue;
    const value = input[key];
    values[column] = typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
  }
}

/** Copies the given fields into columns unchanged (numbers, booleans, enums, arrays). */
export function copyValues(input: RecordInput, values: Record<string, unknown>, map: Record<string, string>) {
  for (const [key, column] of Object.entries(map)) if (input[key] !== undefined) values[column] = input[key];
}
