import type { RecordKind } from './record-kind.ts';

type Row = Record<string, unknown>;

/** A stored row (with the repository's joins) → the API view; personal data is already masked in the row. */
export function presentRecord(kind: RecordKind, row: Row) {
  const gridCode = row.grid_code as string;
  return {
    id: row.id as number,
    ...kind.present(row),
    lng: row.lng as number,
    lat: row.lat as number,
    gridCode,
    gridName: (row.grid_name as string | null) ?? null,
    villageCode: gridCode.slice(0, 12),
    villageName: (row.village_name as string | null) ?? null,
    createdAt: (row.created_at as Date).toISOString(),
    updatedAt: (row.updated_at as Date).toISOString(),
  };
}

/** What the audit trail keeps of a record: the view without times (masked personal data, never ciphertext). */
export function auditSnapshot(kind: RecordKind, row: Row): Record<string, unknown> {
  const { createdAt: _c, updatedAt: _u, gridName: _g, villageName: _v, ...rest } = presentRecord(kind, row);
  return rest;
}
