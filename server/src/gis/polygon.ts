import area from '@turf/area';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import { feature, featureCollection } from '@turf/helpers';
import intersect from '@turf/intersect';
import kinks from '@turf/kinks';
import Flatbush from 'flatbush';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { MessageParams } from '../i18n/messages.ts';
import { isValidLngLat } from './coordinates.ts';

/** Boundaries are GeoJSON Polygons or MultiPolygons in WGS84 lng/lat (EPSG:4326). */
export type AreaGeometry = Polygon | MultiPolygon;
export type BBox = [minLng: number, minLat: number, maxLng: number, maxLat: number];

export type GeometryProblemCode =
  | 'NOT_POLYGON'
  | 'BAD_COORDINATE'
  | 'RING_TOO_SHORT'
  | 'RING_NOT_CLOSED'
  | 'TOO_MANY_VERTICES'
  | 'SELF_INTERSECTION'
  | 'HOLE_OUTSIDE_SHELL'
  | 'PARTS_OVERLAP'
  | 'OVERLAP';

/**
 * One thing wrong with one geometry. Reported as a problem+json field whose code is `code`, so its
 * message is the i18n key `validation.<code>` in the caller's language.
 */
export interface GeometryProblem {
  code: GeometryProblemCode;
  params?: MessageParams;
}

/** Overlaps smaller than this are numerical noise along shared edges, not real overlaps. */
const overlapToleranceM2 = 1;
/** Self-intersection checking is quadratic in the vertex count: larger outlines must be simplified first. */
const maxVerticesPerGeometry = 5_000;

/**
 * The structure of a geometry as received: Polygon/MultiPolygon, rings of ≥ 4 positions, first equal to
 * last, finite lng/lat in range. Returns the geometry reduced to 2-D positions when there is no problem.
 */
export function checkShape(value: unknown): { geometry?: AreaGeometry; problems: GeometryProblem[] } {
  const problems: GeometryProblem[] = [];
  const type = (value as { type?: unknown } | null)?.type;
  const coordinates = (value as { coordinates?: unknown } | null)?.coordinates;
  if ((type !== 'Polygon' && type !== 'MultiPolygon') || !Array.isArray(coordinates) || coordinates.length === 0) {
    return { problems: [{ code: 'NOT_POLYGON', params: { type: typeof type === 'string' ? type : '?' } }] };
  }
  const parts: unknown[] = type === 'Polygon' ? [coordinates] : coordinates;
  let vertices = 0;
  const cleanParts = parts.map((part, p) => {
    if (!Array.isArray(part) || part.length === 0) {
      problems.push({ code: 'NOT_POLYGON', params: { type } });
      return [];
    }
    return part.map((ring: unknown, r) => {
      const at = { part: p + 1, ring: r + 1 };
      if (!Array.isArray(ring) || ring.length < 4) {
        problems.push({ code: 'RING_TOO_SHORT', params: at });
        return [];
      }
      vertices += ring.length;
      const bad = ring.findIndex((position: unknown) => !Array.isArray(position) || !isValidLngLat(position[0], position[1]));
      if (bad !== -1) {
        problems.push({ code: 'BAD_COORDINATE', params: { ...at, position: bad + 1 } });
        return [];
      }
      const clean = (ring as number[][]).map(([lng, lat]) => [lng, lat] as Position);
      const first = clean[0]!;
      const last = clean[clean.length - 1]!;
      if (first[0] !== last[0] || first[1] !== last[1]) problems.push({ code: 'RING_NOT_CLOSED', params: at });
      return clean;
    });
  });
  if (vertices > maxVerticesPerGeometry) problems.push({ code: 'TOO_MANY_VERTICES', params: { limit: maxVerticesPerGeometry } });
  if (problems.length) return { problems };
  const geometry: AreaGeometry = type === 'Polygon' ? { type, coordinates: cleanParts[0]! } : { type, coordinates: cleanParts };
  return { geometry, problems };
}

/**
 * The topology of a well-formed geometry: no ring crosses itself or another ring (turf kinks, which also
 * refuses rings that touch at a point), every hole lies inside its shell, and no part of a MultiPolygon
 * lies inside another (crossing parts are kinks already; a part inside another's hole is fine).
 */
export function checkTopology(geometry: AreaGeometry): GeometryProblem[] {
  const problems: GeometryProblem[] = [];
  const crossing = kinks(geometry).features[0];
  if (crossing) {
    const [lng, lat] = crossing.geometry.coordinates as [number, number];
    problems.push({ code: 'SELF_INTERSECTION', params: { lng: lng.toFixed(6), lat: lat.toFixed(6) } });
  }
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  parts.forEach(([shell, ...holes], p) => {
    const shellPolygon: Polygon = { type: 'Polygon', coordinates: [shell!] };
    holes.forEach((hole, h) => {
      if (!hole.every((position) => booleanPointInPolygon(position, shellPolygon))) {
        problems.push({ code: 'HOLE_OUTSIDE_SHELL', params: { part: p + 1, ring: h + 2 } });
      }
    });
  });
  parts.forEach((part, p) => {
    parts.forEach((other, o) => {
      if (o !== p && booleanPointInPolygon(part[0]![0]!, { type: 'Polygon', coordinates: other }, { ignoreBoundary: true })) {
        problems.push({ code: 'PARTS_OVERLAP', params: { part: p + 1, other: o + 1 } });
      }
    });
  });
  return problems;
}

/** Shape and topology together: the geometry to store, or the problems that refuse it. */
export function checkGeometry(value: unknown): { geometry?: AreaGeometry; problems: GeometryProblem[] } {
  const shape = checkShape(value);
  if (!shape.geometry) return shape;
  const problems = checkTopology(shape.geometry);
  return problems.length ? { problems } : shape;
}

export function geometryBBox(geometry: AreaGeometry): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const parts = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  for (const part of parts) {
    for (const [lng, lat] of part[0]!) {
      if (lng! < box[0]) box[0] = lng!;
      if (lat! < box[1]) box[1] = lat!;
      if (lng! > box[2]) box[2] = lng!;
      if (lat! > box[3]) box[3] = lat!;
    }
  }
  return box;
}

/** Geodesic area in square metres (holes subtracted). */
export const geometryAreaM2 = (geometry: AreaGeometry) => area(geometry);

export interface LayerShape {
  code: string;
  geometry: AreaGeometry;
  bbox: BBox;
}

/**
 * Overlaps between polygons of one layer: each candidate against the other candidates and against the
 * stored shapes it does not replace. Shared edges and vertices are fine: only an intersection larger
 * than `overlapToleranceM2` counts. Returns the problems per candidate index.
 */
export function findOverlaps(candidates: LayerShape[], others: LayerShape[]): Map<number, GeometryProblem[]> {
  const all = [...candidates, ...others];
  const problems = new Map<number, GeometryProblem[]>();
  if (all.length < 2) return problems;
  const tree = new Flatbush(all.length);
  for (const shape of all) tree.add(...shape.bbox);
  tree.finish();
  const report = (index: number, other: string, areaM2: number) => {
    const list = problems.get(index) ?? [];
    list.push({ code: 'OVERLAP', params: { other, areaM2: Math.round(areaM2) } });
    problems.set(index, list);
  };
  const convex = all.map((shape) => convexShell(shape.geometry));
  candidates.forEach((shape, i) => {
    // Pairs among candidates are measured once (j > i); candidates against stored shapes always.
    for (const j of tree.search(...shape.bbox)) {
      if (j <= i) continue;
      const other = all[j]!;
      if (convex[i] && convex[j] && separated(convex[i], convex[j])) continue;
      const common = intersect(featureCollection([feature(shape.geometry), feature(other.geometry)]));
      const overlap = common ? area(common) : 0;
      if (overlap <= overlapToleranceM2) continue;
      report(i, other.code, overlap);
      if (j < candidates.length) report(j, shape.code, overlap);
    }
  });
  return problems;
}

/**
 * Clipping (polyclip) costs milliseconds a pair, and neighbours touch along whole edges. Most grids are
 * convex quadrilaterals, and two convex polygons whose interiors are disjoint always have an edge with
 * the other polygon entirely on its outer side: that settles the common case without clipping.
 */
type Shell = { ring: Position[]; orientation: number };
const onLineDegrees = 1e-9; // about 0.1 mm: vertices this close to an edge's line count as on it

function convexShell(geometry: AreaGeometry): Shell | null {
  if (geometry.type !== 'Polygon' || geometry.coordinates.length !== 1) return null;
  const ring = geometry.coordinates[0]!;
  let orientation = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    const [a, b, c] = [ring[i]!, ring[i + 1]!, ring[(i + 2) % (ring.length - 1)]!];
    // The sine of the turn: vertices in line (within rounding) turn neither way.
    const turn = cross(a, b, c) / (Math.hypot(b[0]! - a[0]!, b[1]! - a[1]!) * Math.hypot(c[0]! - b[0]!, c[1]! - b[1]!));
    if (!(Math.abs(turn) > 1e-9)) continue;
    if (orientation !== 0 && Math.sign(turn) !== orientation) return null;
    orientation = Math.sign(turn);
  }
  return orientation === 0 ? null : { ring, orientation };
}

const cross = (a: Position, b: Position, p: Position) => (b[0]! - a[0]!) * (p[1]! - a[1]!) - (b[1]! - a[1]!) * (p[0]! - a[0]!);

function separated(a: Shell, b: Shell): boolean {
  const outside = (edges: Shell, points: Shell) => {
    const ring = edges.ring;
    for (let i = 0; i + 1 < ring.length; i++) {
      const length = Math.hypot(ring[i + 1]![0]! - ring[i]![0]!, ring[i + 1]![1]! - ring[i]![1]!);
      if (length > 0 && points.ring.every((p) => (edges.orientation * cross(ring[i]!, ring[i + 1]!, p)) / length <= onLineDegrees)) return true;
    }
    return false;
  };
  return outside(a, b) || outside(b, a);
}
