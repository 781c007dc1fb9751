import type { DataScope } from '../../auth/actor.ts';
import { divisionInScope } from '../../auth/actor.ts';
import { toWgs84, type InputCrs } from '../../gis/coordinates.ts';
import type { GridLocator } from '../../gis/grid-locator.ts';
import { checkInput } from './fields.ts';
import type { BuildContext, FieldIssue, RecordInput, RecordKind } from './record-kind.ts';
import type { Db, RegistryRepository } from './registry.repo.ts';

/**
 * The one path from input to storable column values, shared by create, update and import:
 *   1. `draftRecords` (no database): required fields, dictionaries, the kind's validation and
 *      encryption, coordinates → WGS84 → unit grid, natural key, duplicates within the batch;
 *   2. `resolveDrafts` (inside the write transaction): house and household references, location
 *      taken from the house, data scope, natural keys already stored.
 * Problems are collected per record, never thrown, so an import can report every rejected row.
 */
export interface Draft {
  /** Position of the record: the spreadsheet row number on import, 1 for API calls. */
  row: number;
  input: RecordInput;
  values: Record<string, unknown>;
  issues: FieldIssue[];
  key: string | null;
  /** Person: the household number to attach to (resolved or created when written). */
  householdNo?: string | null;
}

export interface DraftOptions {
  ctx: BuildContext;
  crs: InputCrs;
  locator: GridLocator;
  create: boolean;
  /** The stored row, on update. */
  current?: Record<string, unknown>;
}

const textOf = (value: unknown) => (typeof value === 'string' && value.trim() !== '' ? value.trim() : null);

export function draftRecords(kind: RecordKind, inputs: { row: number; input: RecordInput }[], options: DraftOptions): Draft[] {
  const firstRowOfKey = new Map<string, number>();
  return inputs.map(({ row, input }) => {
    const issues = checkInput(kind, input, options.ctx.dictionaries, options.create);
    const built = kind.toColumns(input, options.ctx, options.current);
    issues.push(...built.issues);
    const draft: Draft = { row, input, values: built.values, issues, key: null };
    locateDraft(draft, options);
    if (kind.entity === 'person' && input.householdNo !== undefined) draft.householdNo = textOf(input.householdNo);
    draft.key = kind.naturalKey.of({ ...options.current, ...draft.values });
    if (draft.key !== null && draft.issues.length === 0) {
      const first = firstRowOfKey.get(draft.key);
      if (first === undefined) firstRowOfKey.set(draft.key, row);
      else draft.issues.push({ field: kind.naturalKey.field({ ...options.current, ...draft.values }), code: 'DUPLICATE_IN_FILE', params: { row: first } });
    }
    return draft;
  });
}

/** Given coordinates → WGS84 → the unit grid they fall in; a point outside every grid is refused. */
function locateDraft(draft: Draft, options: DraftOptions) {
  const { lng, lat } = draft.input;
  if (lng === undefined && lat === undefined) return;
  if (typeof lng !== 'number' || typeof lat !== 'number') {
    if (lng === null && lat === null && !options.create) return;
    if (typeof lng !== 'number') draft.issues.push({ field: 'lng', code: 'required' });
    if (typeof lat !== 'number') draft.issues.push({ field: 'lat', code: 'required' });
    return;
  }
  const [x, y] = toWgs84(lng, lat, options.crs);
  const location = options.locator.locate(x, y);
  if (!location) {
    draft.issues.push({ field: 'lng', code: 'OUTSIDE_ALL_GRIDS', params: { lng, lat } });
    return;
  }
  Object.assign(draft.values, { lng: x, lat: y, grid_code: location.unitGridCode, division_code: location.unitGridCode });
}

export interface Resolution {
  /** Stored records (in scope) that drafts' natural keys match: updated by an import. */
  existing: Map<string, { id: number; division_code: string }>;
  /** Person drafts' household numbers that exist: number → id. */
  households: Map<string, { id: number; division_code: string }>;
}

export async function resolveDrafts(db: Db, repo: RegistryRepository, kind: RecordKind, drafts: Draft[], scope: DataScope, create: boolean): Promise<Resolution> {
  const valid = () => drafts.filter((d) => d.issues.length === 0);

  if (kind.locatedByHouse) {
    const addresses = [...new Set(valid().map((d) => textOf(d.input.houseAddress)).filter((a): a is string => a !== null))];
    const houses = await repo.housesByAddress(db, addresses);
    for (const draft of valid()) {
      if (draft.input.houseAddress === undefined) continue;
      const address = textOf(draft.input.houseAddress);
      const house = address === null ? undefined : houses.get(address);
      if (address !== null && (!house || !divisionInScope(scope, house.division_code))) {
        draft.issues.push({ field: 'houseAddress', code: 'UNKNOWN_REFERENCE', params: { value: address } });
        continue;
      }
      draft.values.house_id = house?.id ?? null;
      if (house && draft.values.grid_code === undefined) {
        Object.assign(draft.values, { lng: house.lng, lat: house.lat, grid_code: house.grid_code, division_code: house.division_code });
      }
    }
    if (create) {
      for (const draft of valid()) {
        if (draft.values.grid_code === undefined) draft.issues.push({ field: 'lng', code: 'LOCATION_REQUIRED' });
      }
    }
  }

  for (const draft of valid()) {
    if (typeof draft.values.division_code === 'string' && !divisionInScope(scope, draft.values.division_code)) draft.issues.push({ field: 'lng', code: 'LOCATION_OUT_OF_SCOPE' });
  }

  const households = new Map<string, { id: number; division_code: string }>();
  if (kind.entity === 'person') {
    const numbers = [...new Set(valid().map((d) => d.householdNo).filter((n): n is string => typeof n === 'string'))];
    for (const [no, household] of await repo.householdsByNo(db, numbers)) {
      if (divisionInScope(scope, household.division_code)) households.set(no, household);
      else for (const d of valid()) if (d.householdNo === no) d.issues.push({ field: 'householdNo', code: 'UNKNOWN_REFERENCE', params: { value: no } });
    }
  }

  const keys = [...new Set(valid().map((d) => d.key).filter((k): k is string => k !== null))];
  const stored = await repo.existingByKey(db, kind, keys);
  const existing = new Map<string, { id: number; division_code: string }>();
  for (const draft of valid()) {
    const match = draft.key === null ? undefined : stored.get(draft.key);
    if (!match) continue;
    if (divisionInScope(scope, match.division_code)) existing.set(draft.key!, match);
    else draft.issues.push({ field: kind.naturalKey.field(draft.values), code: 'DUPLICATE_IN_DB' });
  }
  return { existing, households };
}
