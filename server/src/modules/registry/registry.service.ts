import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../auth/auth.plugin.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { pageWindow } from '../../http/pagination.ts';
import { geometryToWgs84, storedCrs, toWgs84, type InputCrs } from '../../gis/coordinates.ts';
import { checkShape, type BBox } from '../../gis/polygon.ts';
import { maskIdNumber } from '../../privacy/masking.ts';
import { checkRevealQuota, revealAction } from '../../privacy/reveal-quota.ts';
import { normaliseIdNumber } from './validators/id-number.ts';
import { parsePhone } from './validators/phone.ts';
import { draftRecords, resolveDrafts, type Draft } from './drafts.ts';
import { attachHouseholds, householdsTouched } from './households.ts';
import { RegistryRepository, type Db, type RecordFilter } from './registry.repo.ts';
import type { BuildContext, Dictionaries, FieldIssue, RecordInput, RecordKind } from './record-kind.ts';
import type { ListQuery, NearestQuery, RecordFilterQuery, StatsQuery, WithinQuery } from './registry.schema.ts';
import { recordKinds } from './kinds/index.ts';
import { auditSnapshot, presentRecord } from './views.ts';

export const registryRepo = new RegistryRepository();

export async function loadDictionaries(db: Db): Promise<Dictionaries> {
  const dictionaries: Dictionaries = new Map();
  for (const item of await registryRepo.dictionaryItems(db, ['person_tag', 'sensor_kind'])) {
    const list = dictionaries.get(item.dict_type) ?? [];
    list.push({ value: item.value, zh: item.label_zh, en: item.label_en });
    dictionaries.set(item.dict_type, list);
  }
  return dictionaries;
}

export async function buildContext(request: FastifyRequest): Promise<BuildContext> {
  return { cipher: request.server.privacy, dictionaries: await loadDictionaries(request.server.db), today: new Date() };
}

/** Field issues of one record → a 400 naming each field (`/idNumber`, code ID_NUMBER_CHECK_DIGIT, …). */
function failOnIssues(issues: FieldIssue[]) {
  if (issues.length) throw new AppError('VALIDATION_FAILED', 400, {}, issues.map((i) => ({ field: `/${i.field}`, code: i.code, params: i.params })));
}

function alreadyExists(kind: RecordKind, draft: Draft) {
  const field = kind.naturalKey.field(draft.values);
  const given = String(draft.input[field] ?? '');
  return new AppError('ALREADY_EXISTS', 409, { entity: kind.entity, value: kind.entity === 'person' ? maskIdNumber(normaliseIdNumber(given)) : given });
}

const invalidQuery = (field: string, code: string) => new AppError('VALIDATION_FAILED', 400, {}, [{ field: `/querystring/${field}`, code }]);

/** Query text → repository filter: areas converted to WGS84, ID numbers and phones to blind-index lookups. */
export function toFilter(request: FastifyRequest, kind: RecordKind, query: RecordFilterQuery): RecordFilter {
  const crs: InputCrs = query.crs ?? 'WGS84';
  const filter: RecordFilter = { keyword: query.keyword?.trim() || undefined, divisionCode: query.divisionCode, type: query.type, status: query.status };
  if (query.tags) filter.tags = query.tags.split(',').map((t) => t.trim()).filter(Boolean);
  if (filter.keyword) {
    const compact = filter.keyword.replace(/[\s-]/g, '');
    const cipher = request.server.privacy;
    if (kind.entity === 'person' && /^\d{17}[\dXx]$/.test(compact)) filter.exact = { column: 'id_number_idx', value: cipher.blindIndex('id-number', normaliseIdNumber(compact)) };
    else if ((kind.entity === 'person' || kind.entity === 'enterprise') && /^(\+?86)?1[3-9]\d{9}$/.test(compact)) {
      const phone = parsePhone(compact);
      if (phone.ok) filter.exact = { column: 'phone_idx', value: cipher.blindIndex('phone', phone.value) };
    }
  }
  if (query.bbox) {
    const [a, b, c, d] = query.bbox.split(',').map(Number) as BBox;
    if (![a, b, c, d].every(Number.isFinite) || a > c || b > d) throw invalidQuery('bbox', 'pattern');
    const [minLng, minLat] = toWgs84(a, b, crs);
    const [maxLng, maxLat] = toWgs84(c, d, crs);
    filter.bbox = [minLng, minLat, maxLng, maxLat];
  }
  if (query.polygon) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(query.polygon);
    } catch {
      throw invalidQuery('polygon', 'MALFORMED_JSON');
    }
    const shape = checkShape(parsed);
    if (!shape.geometry) {
      const problem = shape.problems[0]!;
      throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/querystring/polygon', code: problem.code, params: { feature: 'polygon', ...problem.params } }]);
    }
    filter.polygon = geometryToWgs84(shape.geometry, crs);
  }
  return filter;
}

export async function listRecords(request: FastifyRequest, kind: RecordKind, query: ListQuery) {
  const window = pageWindow(query);
  const { total, items } = await registryRepo.list(request.server.db, kind, actorOf(request).scope, toFilter(request, kind, query), window);
  return { items: items.map((row) => presentRecord(kind, row)), total, page: window.page, pageSize: window.pageSize };
}

export async function getRecord(request: FastifyRequest, kind: RecordKind, id: number) {
  const row = await registryRepo.findVisible(request.server.db, kind, actorOf(request).scope, id);
  if (!row) throw notFound();
  return presentRecord(kind, row);
}

export async function createRecord(request: FastifyRequest, kind: RecordKind, body: RecordInput & { crs?: InputCrs }) {
  const { scope } = actorOf(request);
  const { crs, ...input } = body;
  const options = { ctx: await buildContext(request), crs: crs ?? 'WGS84', locator: request.server.grids, create: true };
  const [draft] = draftRecords(kind, [{ row: 1, input }], options) as [Draft];
  failOnIssues(draft.issues);
  const row = await runCommand(request, async (trx, audit) => {
    const resolution = await resolveDrafts(trx, registryRepo, kind, [draft], scope, true);
    failOnIssues(draft.issues);
    if (draft.key !== null && resolution.existing.has(draft.key)) throw alreadyExists(kind, draft);
    if (kind.entity === 'person') await attachHouseholds(trx, registryRepo, [draft], resolution.households);
    const id = await registryRepo.insert(trx, kind, draft.values);
    if (kind.entity === 'person') await registryRepo.refreshHouseholdHeads(trx, householdsTouched([draft]));
    const created = (await registryRepo.findVisible(trx, kind, scope, id))!;
    audit({ action: `registry:${kind.entity}:create`, entityType: kind.entity, entityId: id, divisionCode: created.division_code as string, after: auditSnapshot(kind, created) });
    return created;
  });
  return presentRecord(kind, row);
}

export async function updateRecord(request: FastifyRequest, kind: RecordKind, id: number, body: RecordInput & { crs?: InputCrs }) {
  const { scope } = actorOf(request);
  const { crs, ...input } = body;
  const ctx = await buildContext(request);
  const row = await runCommand(request, async (trx, audit) => {
    const current = await registryRepo.findRaw(trx, kind, scope, id);
    if (!current) throw notFound();
    const before = (await registryRepo.findVisible(trx, kind, scope, id))!;
    const [draft] = draftRecords(kind, [{ row: 1, input }], { ctx, crs: crs ?? 'WGS84', locator: request.server.grids, create: false, current }) as [Draft];
    failOnIssues(draft.issues);
    const resolution = await resolveDrafts(trx, registryRepo, kind, [draft], scope, false);
    failOnIssues(draft.issues);
    const match = draft.key === null ? undefined : resolution.existing.get(draft.key);
    if (match && match.id !== id) throw alreadyExists(kind, draft);
    if (kind.entity === 'person') await attachHouseholds(trx, registryRepo, [draft], resolution.households, current);
    await registryRepo.update(trx, kind, id, draft.values);
    if (kind.entity === 'person') await registryRepo.refreshHouseholdHeads(trx, [...householdsTouched([draft]), current.household_id as number | null].filter((h): h is number => h !== null));
    const after = (await registryRepo.findVisible(trx, kind, scope, id))!;
    audit({ action: `registry:${kind.entity}:update`, entityType: kind.entity, entityId: id, divisionCode: after.division_code as string, before: auditSnapshot(kind, before), after: auditSnapshot(kind, after) });
    return after;
  });
  return presentRecord(kind, row);
}

/** Map layer: points of the kind in an area (bbox or polygon) and the other list filters, as GeoJSON. */
export async function pointsWithin(request: FastifyRequest, kind: RecordKind, query: WithinQuery) {
  const limit = query.limit ?? 10_000;
  const rows = await registryRepo.points(request.server.db, kind, actorOf(request).scope, toFilter(request, kind, query), limit);
  return {
    type: 'FeatureCollection' as const,
    crs: storedCrs,
    truncated: rows.length > limit,
    features: rows.slice(0, limit).map((r) => ({
      type: 'Feature' as const,
      id: r.id as number,
      geometry: { type: 'Point' as const, coordinates: [r.lng as number, r.lat as number] },
      properties: { id: r.id as number, ...kind.mapProperties(r), gridCode: r.grid_code as string },
    })),
  };
}

export async function nearestRecords(request: FastifyRequest, kind: RecordKind, query: NearestQuery) {
  const point = toWgs84(query.lng, query.lat, query.crs ?? 'WGS84');
  const rows = await registryRepo.nearest(request.server.db, kind, actorOf(request).scope, point, { type: query.type, limit: query.limit ?? 10, withinMetres: query.withinMetres });
  return {
    items: rows.map((r) => ({
      id: r.id as number,
      ...kind.mapProperties(r),
      gridCode: r.grid_code as string,
      lng: r.lng as number,
      lat: r.lat as number,
      distanceMetres: Math.round((r.distance as number) * 10) / 10,
    })),
  };
}

const codeLength = { town: 9, village: 12, grid: 14 } as const;

/** Records of every kind per area (town, village or grid) inside the caller's scope, zeros included. */
export async function areaCounts(request: FastifyRequest, query: StatsQuery) {
  const { scope } = actorOf(request);
  const db = request.server.db;
  const areas = await registryRepo.divisionsAtLevel(db, query.level, scope, query.divisionCode);
  const counts = new Map(areas.map((a) => [a.code, { person: 0, household: 0, house: 0, enterprise: 0, place: 0, device: 0 }]));
  for (const kind of recordKinds) {
    for (const { code, n } of await registryRepo.countsByArea(db, kind, scope, query.divisionCode, codeLength[query.level])) {
      const area = counts.get(code);
      if (area) area[kind.entity] = n;
    }
  }
  return { items: areas.map((a) => ({ code: a.code, name: a.name, counts: counts.get(a.code)! })) };
}

const revealable: Record<string, { idNumber?: 'id_number_enc'; phone: 'phone_enc' }> = {
  person: { idNumber: 'id_number_enc', phone: 'phone_enc' },
  enterprise: { phone: 'phone_enc' },
};

/**
 * The full value of one personal field: needs the reveal permission (route), counts against the
 * daily limit, and is audited with the record and the field, never the value.
 */
export async function revealField(request: FastifyRequest, kind: RecordKind, id: number, field: 'idNumber' | 'phone') {
  const actor = actorOf(request);
  const column = revealable[kind.entity]?.[field];
  if (!column) throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/field', code: 'enum' }]);
  return runCommand(request, async (trx, audit) => {
    const record = await registryRepo.personalField(trx, kind, actor.scope, id, column);
    if (!record) throw notFound();
    await checkRevealQuota(trx, actor, request.server.config.revealDailyLimit);
    audit({ action: revealAction, entityType: kind.entity, entityId: id, divisionCode: record.division_code, details: { field } });
    return { field, value: record.value === null ? null : request.server.privacy.decrypt(record.value) };
  });
}
