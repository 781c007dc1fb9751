import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { actorOf } from '../../auth/auth.plugin.ts';
import { divisionInScope, type Actor } from '../../auth/actor.ts';
import { AppError, notFound, type FieldError } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { pageWindow } from '../../http/pagination.ts';
import { geometryToWgs84, isValidLngLat, pointToWgs84, storedCrs, type InputCrs } from '../../gis/coordinates.ts';
import { FeatureFileError, readFeatureFile, type RawFeature } from '../../gis/feature-file.ts';
import { checkShape, checkTopology, findOverlaps, geometryAreaM2, geometryBBox, type AreaGeometry, type BBox } from '../../gis/polygon.ts';
import { ZipTooLargeError } from '../../gis/zip.ts';
import type { MessageParams } from '../../i18n/messages.ts';
import { gridsRepo, type ShapeLevel, type ShapeRow } from './grids.repo.ts';
import type { BoundarySource } from './grids.tables.ts';
import type { BoundaryQuery, HistoryQuery, ImportQuery, ShapeSummary, UpdateBoundaryBody } from './grids.schema.ts';
import { responsibilityGridsRepo } from './responsibility-grids.repo.ts';
import { presentResponsibilityGrid } from './responsibility-grids.service.ts';

/** Checking an import is CPU work on the event loop (self-intersection is quadratic): these bounds keep it to seconds. */
const importLimits = { features: 5_000, vertices: 200_000, unzippedMegabytes: 64 };

const levelByLength: Record<number, ShapeLevel> = { 9: 'town', 12: 'village', 14: 'grid' };

interface ShapeInput {
  code: string | undefined;
  geometry: unknown;
}

interface Candidate extends ShapeRow {
  index: number;
  level: ShapeLevel;
  name: string;
}

interface Problem {
  code: string;
  params?: MessageParams;
}

// ---- reading --------------------------------------------------------------------------------------

export async function listBoundaries(request: FastifyRequest, query: BoundaryQuery) {
  const rows = await gridsRepo.boundaries(request.server.db, {
    level: query.level,
    scope: actorOf(request).scope,
    within: query.parentCode,
    bbox: query.bbox === undefined ? undefined : parseBBox(query.bbox),
  });
  return {
    type: 'FeatureCollection' as const,
    crs: storedCrs,
    features: rows.map((r) => ({
      type: 'Feature' as const,
      id: r.code,
      geometry: r.geometry,
      properties: { code: r.code, name: r.name, level: r.level as ShapeLevel, parentCode: r.parent_code, areaM2: Math.round(r.area_m2), updatedAt: r.updated_at.toISOString() },
    })),
  };
}

/** `minLng,minLat,maxLng,maxLat` in WGS84. */
function parseBBox(text: string): BBox {
  const box = text.split(',').map(Number) as BBox;
  if (!isValidLngLat(box[0], box[1]) || !isValidLngLat(box[2], box[3])) {
    throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/querystring/bbox', code: 'INVALID_COORDINATE' }]);
  }
  return box;
}

/** Which unit grid, village and responsibility grid a point lies in. Grids outside the caller's scope answer 404. */
export async function locatePoint(request: FastifyRequest, query: { lng: number; lat: number; crs?: InputCrs }) {
  const actor = actorOf(request);
  const [lng, lat] = pointToWgs84(query, '/querystring');
  const hit = request.server.grids.locate(lng, lat);
  if (!hit) throw new AppError('OUTSIDE_ALL_GRIDS', 404, { lng: lng.toFixed(6), lat: lat.toFixed(6) });
  if (!divisionInScope(actor.scope, hit.unitGridCode)) throw notFound();
  const db = request.server.db;
  const [names, responsibility] = await Promise.all([
    gridsRepo.divisions(db, [hit.unitGridCode, hit.villageCode]),
    hit.responsibilityGridId === null ? undefined : responsibilityGridsRepo.findVisible(db, actor.scope, hit.responsibilityGridId),
  ]);
  const name = (code: string) => names.find((d) => d.code === code)?.name ?? '';
  return {
    unitGridCode: hit.unitGridCode,
    unitGridName: name(hit.unitGridCode),
    villageCode: hit.villageCode,
    villageName: name(hit.villageCode),
    responsibilityGrid: responsibility ? presentResponsibilityGrid(responsibility) : null,
    lng,
    lat,
    crs: storedCrs,
  };
}

export async function listHistory(request: FastifyRequest, query: HistoryQuery) {
  const window = pageWindow(query);
  const { total, items } = await gridsRepo.history(request.server.db, { scope: actorOf(request).scope, within: query.code }, window);
  return {
    items: items.map((h) => ({
      id: h.id,
      divisionCode: h.division_code,
      divisionName: h.division_name,
      level: h.level,
      oldGeometry: h.old_geometry,
      newGeometry: h.new_geometry,
      changedBy: h.changed_by,
      changedByName: h.changed_by_name,
      changedAt: h.changed_at.toISOString(),
      source: h.source,
      reason: h.reason,
      crs: storedCrs,
    })),
    total,
    page: window.page,
    pageSize: window.pageSize,
  };
}

// ---- checking -------------------------------------------------------------------------------------

/**
 * Every check an outline must pass before it is stored: a town/village/unit-grid code in the caller's
 * scope, given once, a valid polygon (converted from `crs` to WGS84), and no overlap with the other
 * outlines of its layer, those in the same batch and those already stored. Returns the accepted
 * candidates only when nothing is wrong, otherwise every problem of every input, by input index.
 */
async function checkInputs(db: Kysely<DB>, actor: Actor, inputs: ShapeInput[], options: { crs?: InputCrs; codeProperty?: string }) {
  const codes = [...new Set(inputs.flatMap((i) => (i.code === undefined ? [] : [i.code])))];
  const divisions = new Map((await gridsRepo.divisions(db, codes)).map((d) => [d.code, d]));
  const problems = new Map<number, Problem[]>();
  const add = (index: number, list: Problem[]) => {
    if (list.length) problems.set(index, [...(problems.get(index) ?? []), ...list]);
  };
  const seen = new Set<string>();
  const shaped: { index: number; code: string; geometry: AreaGeometry }[] = [];

  let vertices = 0;
  inputs.forEach((input, index) => {
    const { code } = input;
    if (code === undefined) {
      add(index, [{ code: 'MISSING_CODE', params: { property: options.codeProperty ?? 'code' } }]);
      return;
    }
    if (seen.has(code)) add(index, [{ code: 'DUPLICATE_CODE' }]);
    seen.add(code);
    const division = divisions.get(code);
    if (!division || !levelByLength[code.length]) add(index, [{ code: 'UNKNOWN_DIVISION' }]);
    else if (!divisionInScope(actor.scope, code)) add(index, [{ code: 'FEATURE_OUT_OF_SCOPE' }]);
    const shape = checkShape(input.geometry);
    add(index, shape.problems);
    if (shape.geometry) {
      vertices += countVertices(shape.geometry);
      shaped.push({ index, code, geometry: geometryToWgs84(shape.geometry, options.crs) });
    }
  });
  if (vertices > importLimits.vertices) throw new AppError('IMPORT_TOO_MANY_VERTICES', 413, { limit: importLimits.vertices });

  const candidates: Candidate[] = [];
  for (const { index, code, geometry } of shaped) {
    const topology = checkTopology(geometry);
    add(index, topology);
    if (topology.length === 0 && divisions.has(code)) {
      candidates.push({ index, code, geometry, level: levelByLength[code.length]!, name: divisions.get(code)!.name, bbox: geometryBBox(geometry), area_m2: geometryAreaM2(geometry) });
    }
  }
  for (const level of ['town', 'village', 'grid'] as const) {
    const layer = candidates.filter((c) => c.level === level && !problems.has(c.index));
    if (layer.length === 0) continue;
    const replaced = new Set(layer.map((c) => c.code));
    const stored = (await gridsRepo.shapesNear(db, level, unionBBox(layer.map((c) => c.bbox)))).filter((s) => !replaced.has(s.code));
    for (const [i, overlaps] of findOverlaps(layer, stored)) add(layer[i]!.index, overlaps);
  }
  return { candidates, problems };
}

function countVertices(geometry: AreaGeometry): number {
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  return parts.reduce((sum, rings) => sum + rings.reduce((n, ring) => n + ring.length, 0), 0);
}

function unionBBox(boxes: BBox[]): BBox {
  return boxes.reduce<BBox>((u, b) => [Math.min(u[0], b[0]), Math.min(u[1], b[1]), Math.max(u[2], b[2]), Math.max(u[3], b[3])], [Infinity, Infinity, -Infinity, -Infinity]);
}

/** Each problem as a problem+json field, its message naming the feature (code, or #n without one). */
function problemFields(inputs: ShapeInput[], problems: Map<number, Problem[]>, fieldOf: (index: number) => string): FieldError[] {
  return [...problems.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([index, list]) => list.map((p) => ({ field: fieldOf(index), code: p.code, params: { feature: inputs[index]!.code ?? `#${index + 1}`, ...p.params } })));
}

// ---- writing --------------------------------------------------------------------------------------

/**
 * Stores accepted outlines in one transaction with their history and audit records, then rebuilds the
 * in-memory index once the transaction has committed.
 */
async function saveCandidates(request: FastifyRequest, candidates: Candidate[], change: { source: BoundarySource; action: string; reason: string; fileName?: string }) {
  const actor = actorOf(request);
  const summaries = await runCommand(request, async (trx, audit) => {
    const result: ShapeSummary[] = [];
    for (const level of ['town', 'village', 'grid'] as const) {
      const layer = candidates.filter((c) => c.level === level);
      if (layer.length === 0) continue;
      const before = await gridsRepo.shapesByCode(trx, level, layer.map((c) => c.code));
      await gridsRepo.saveShapes(trx, level, layer);
      const history = await gridsRepo.addHistory(
        trx,
        layer.map((c) => ({
          division_code: c.code,
          old_geometry: before.get(c.code)?.geometry ?? null,
          new_geometry: c.geometry,
          changed_by: actor.type === 'user' ? actor.id : null,
          changed_by_name: actor.name,
          source: change.source,
          reason: change.reason,
        })),
      );
      const historyId = new Map(history.map((h) => [h.division_code, h.id]));
      for (const c of layer) {
        const old = before.get(c.code);
        audit({
          action: change.action,
          entityType: level === 'grid' ? 'unit_grid' : 'boundary',
          entityId: c.code,
          divisionCode: c.code,
          before: old ? { area_m2: Math.round(old.area_m2), bbox: old.bbox } : null,
          after: { area_m2: Math.round(c.area_m2), bbox: c.bbox },
          details: { reason: change.reason, history_id: historyId.get(c.code) ?? null, ...(change.fileName ? { file: change.fileName } : {}) },
        });
        result.push({ code: c.code, name: c.name, level, areaM2: Math.round(c.area_m2), change: old ? 'updated' : 'created' });
      }
    }
    return result;
  });
  await request.server.grids.changed(request.server.db);
  return summaries;
}

export async function updateBoundary(request: FastifyRequest, code: string, body: UpdateBoundaryBody) {
  const actor = actorOf(request);
  if (!divisionInScope(actor.scope, code) || !levelByLength[code.length]) throw notFound();
  if ((await gridsRepo.divisions(request.server.db, [code])).length === 0) throw notFound();
  const inputs = [{ code, geometry: body.geometry }];
  const { candidates, problems } = await checkInputs(request.server.db, actor, inputs, { crs: body.crs });
  if (problems.size) throw new AppError('VALIDATION_FAILED', 400, {}, problemFields(inputs, problems, () => '/geometry'));
  const [saved] = await saveCandidates(request, candidates, { source: 'edit', action: 'map:grid:update', reason: body.reason });
  return saved!;
}

/**
 * Replaces the outlines in an uploaded GeoJSON FeatureCollection or zipped shapefile, all or nothing:
 * one bad feature and nothing is stored, and the 422 problem lists every problem of every feature.
 */
export async function importBoundaries(request: FastifyRequest, file: { bytes: Buffer; name: string }, query: ImportQuery) {
  const features = await readUpload(file.bytes);
  if (features.length === 0) throw new AppError('IMPORT_EMPTY', 400);
  if (features.length > importLimits.features) throw new AppError('IMPORT_TOO_MANY_FEATURES', 413, { limit: importLimits.features, count: features.length });
  const codeProperty = query.codeProperty ?? 'code';
  const inputs = features.map((f) => ({ code: codeOf(f, codeProperty), geometry: f.geometry }));
  const { candidates, problems } = await checkInputs(request.server.db, actorOf(request), inputs, { crs: query.crs, codeProperty });
  if (problems.size) {
    throw new AppError('IMPORT_REJECTED', 422, { rejected: problems.size, total: inputs.length }, problemFields(inputs, problems, (index) => `/features/${index}`));
  }
  const saved = await saveCandidates(request, candidates, { source: 'import', action: 'map:grid:import', reason: query.reason, fileName: file.name });
  return { imported: saved.length, features: saved };
}

async function readUpload(bytes: Buffer): Promise<RawFeature[]> {
  try {
    return await readFeatureFile(bytes, importLimits.unzippedMegabytes * 1024 * 1024);
  } catch (error) {
    if (error instanceof ZipTooLargeError) throw new AppError('IMPORT_UNZIPPED_TOO_LARGE', 413, { limit: importLimits.unzippedMegabytes });
    if (error instanceof FeatureFileError) throw new AppError('IMPORT_FORMAT', 400, { reason: error.message });
    throw error;
  }
}

/** Codes may arrive as strings or numbers (shapefile attribute tables often store them as numbers). */
function codeOf(feature: RawFeature, property: string): string | undefined {
  const value = feature.properties[property];
  if (typeof value === 'number' && Number.isSafeInteger(value)) return String(value);
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
