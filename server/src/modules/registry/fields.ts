import { Type, type TSchema } from 'typebox';
import { StringEnum } from '../../http/pagination.ts';
import { InputCrs } from '../../gis/coordinates.ts';
import type { Dictionaries, FieldIssue, FieldSpec, RecordInput, RecordKind } from './record-kind.ts';

/** How the field specs become API schemas, and how typed input is checked against them. */

function valueSchema(field: FieldSpec): TSchema {
  switch (field.type) {
    case 'text':
      return Type.String({ maxLength: field.maxLength ?? 200 });
    case 'integer':
      return Type.Integer({ minimum: field.min, maximum: field.max });
    case 'number':
      return Type.Number({ minimum: field.min, maximum: field.max });
    case 'boolean':
      return Type.Boolean();
    case 'enum':
      return StringEnum(field.options!.map((o) => o.value));
    case 'dictionary':
      return Type.String({ maxLength: 64 });
    case 'tags':
      return Type.Array(Type.String({ maxLength: 64 }), { maxItems: 20, uniqueItems: true });
    case 'datetime':
      return Type.String({ format: 'date-time' });
  }
}

const optional = (field: FieldSpec) => Type.Optional(Type.Union([valueSchema(field), Type.Null()]));

/** Location is required on create unless the kind may take it from the referenced house. */
const requiredOnCreate = (kind: RecordKind, field: FieldSpec) => field.required === true && !(kind.locatedByHouse && (field.key === 'lng' || field.key === 'lat'));

export function createBodySchema(kind: RecordKind) {
  const properties: Record<string, TSchema> = {};
  for (const field of kind.fields) properties[field.key] = requiredOnCreate(kind, field) ? valueSchema(field) : optional(field);
  properties.crs = Type.Optional(InputCrs);
  return Type.Object(properties, { additionalProperties: false });
}

export function updateBodySchema(kind: RecordKind) {
  const properties: Record<string, TSchema> = {};
  for (const field of kind.fields) properties[field.key] = field.required ? Type.Optional(valueSchema(field)) : optional(field);
  properties.crs = Type.Optional(InputCrs);
  return Type.Object(properties, { additionalProperties: false, minProperties: 1 });
}

/** The view of a record: every field (masked where personal) plus the kind's extras, location and times. */
export function viewSchema(kind: RecordKind, extras: Record<string, TSchema>) {
  const properties: Record<string, TSchema> = { id: Type.Integer() };
  for (const field of kind.fields) properties[field.key] = Type.Union([field.personal ? Type.String() : valueSchema(field), Type.Null()]);
  return Type.Object({
    ...properties,
    ...extras,
    gridCode: Type.String(),
    gridName: Type.Union([Type.String(), Type.Null()]),
    villageCode: Type.String(),
    villageName: Type.Union([Type.String(), Type.Null()]),
    createdAt: Type.String(),
    updatedAt: Type.String(),
  });
}

const isBlank = (value: unknown) => value === undefined || value === null || (typeof value === 'string' && value.trim() === '') || (Array.isArray(value) && value.length === 0);

/**
 * Required fields present (on create), empty fields with a default given it, and dictionary values known: labels are accepted and turned
 * into values (`独居老人` → `elderly_alone`), so a spreadsheet may use either.
 */
export function checkInput(kind: RecordKind, input: RecordInput, dictionaries: Dictionaries, create: boolean): FieldIssue[] {
  const issues: FieldIssue[] = [];
  for (const field of kind.fields) {
    const value = input[field.key];
    if (isBlank(value)) {
      if ((create && requiredOnCreate(kind, field)) || (!create && field.required && value !== undefined)) issues.push({ field: field.key, code: 'required' });
      else if (value !== undefined && field.default !== undefined) input[field.key] = field.default;
      continue;
    }
    if (field.type !== 'dictionary' && field.type !== 'tags') continue;
    const items = dictionaries.get(field.dictionary!) ?? [];
    const toValue = (text: string) => items.find((i) => i.value === text || i.zh === text || i.en.toLowerCase() === text.toLowerCase())?.value;
    const given = field.type === 'tags' ? (value as string[]) : [value as string];
    const known = given.map((text) => toValue(text.trim()));
    const unknown = given.filter((_, i) => known[i] === undefined);
    if (unknown.length) issues.push({ field: field.key, code: 'UNKNOWN_VALUE', params: { value: unknown.join('、') } });
    else input[field.key] = field.type === 'tags' ? [...new Set(known as string[])] : known[0];
  }
  return issues;
}
