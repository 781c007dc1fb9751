import { AppError } from '../../../http/errors.ts';
import type { FieldSpec, SheetKind } from '../record-kind.ts';

/**
 * Which spreadsheet column feeds which field. By default a header matches a field by its Chinese or
 * English name, key or an alias, ignoring case, spaces, a required-marker `*` and notes in brackets
 * ("身份证号（必填）"). The request may override: `{ "证件号": "idNumber", "备注": "" }` ("" ignores a column).
 */
export interface ColumnMapping {
  columns: { index: number; header: string; field: FieldSpec }[];
  ignored: string[];
}

const normalise = (header: string) =>
  header
    .replace(/[（(【[].*?[）)】\]]/g, '')
    .replace(/[\s*_\-]/g, '')
    .toLowerCase();

export function mapColumns(kind: SheetKind, headers: string[], override: Record<string, string> = {}): ColumnMapping {
  const byName = new Map<string, FieldSpec>();
  for (const field of kind.fields) for (const name of [field.zh, field.en, field.key, ...(field.aliases ?? [])]) byName.set(normalise(name), field);
  const byKey = new Map(kind.fields.map((f) => [f.key, f]));

  const columns: ColumnMapping['columns'] = [];
  const ignored: string[] = [];
  const taken = new Set<string>();
  headers.forEach((header, index) => {
    if (header === '') return;
    const chosen = header in override ? override[header] : undefined;
    if (chosen === '') {
      ignored.push(header);
      return;
    }
    const field = chosen !== undefined ? byKey.get(chosen) : byName.get(normalise(header));
    if (chosen !== undefined && (!field || taken.has(field.key))) throw new AppError('IMPORT_MAPPING', 400, { column: header, field: chosen });
    if (!field) {
      ignored.push(header);
      return;
    }
    if (taken.has(field.key)) throw new AppError('IMPORT_MAPPING', 400, { column: header, field: field.key });
    taken.add(field.key);
    columns.push({ index, header, field });
  });

  // Required columns; a location is one column pair, and kinds located by house may give the house instead.
  const missing = kind.fields.filter((f) => f.required && !taken.has(f.key) && !(kind.locatedByHouse && (f.key === 'lng' || f.key === 'lat')));
  if (taken.has('lng') !== taken.has('lat')) missing.push(kind.fields.find((f) => f.key === (taken.has('lng') ? 'lat' : 'lng'))!);
  if (kind.locatedByHouse && !taken.has('lng') && !taken.has('houseAddress')) missing.push(...kind.fields.filter((f) => f.key === 'lng' || f.key === 'lat'));
  if (missing.length) throw new AppError('IMPORT_MISSING_COLUMNS', 400, { columns: missing.map((f) => f.zh).join('、') });
  return { columns, ignored };
}

/** The `mapping` query parameter: a JSON object of header → field key. */
export function parseMappingOverride(text: string | undefined): Record<string, string> {
  if (!text) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/querystring/mapping', code: 'MALFORMED_JSON' }]);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || !Object.values(parsed).every((v) => typeof v === 'string')) {
    throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/querystring/mapping', code: 'type', params: { type: 'object' } }]);
  }
  return parsed as Record<string, string>;
}
