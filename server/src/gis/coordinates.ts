import gcoordModule from 'gcoord';
import { Type, type Static } from 'typebox';
import { AppError } from '../http/errors.ts';
import { StringEnum } from '../http/pagination.ts';

/**
 * Everything is stored as WGS84/CGCS2000 longitude/latitude (the two datums differ by under 0.1 mm, see
 * reference/stack.md §4.5), and every geometry response says so with `crs: 'EPSG:4326'`.
 * Clients drawing on AMap/Tencent/WeChat send GCJ-02, Baidu sends BD-09: converted here, at the API edge.
 */
export const storedCrs = 'EPSG:4326' as const;

const inputCrsList = ['WGS84', 'CGCS2000', 'GCJ02', 'BD09'] as const;
export type InputCrs = (typeof inputCrsList)[number];
export const InputCrs = StringEnum(inputCrsList, { description: 'Coordinate system of the input: WGS84/CGCS2000 (GPS, Tianditu), GCJ02 (AMap, Tencent, WeChat), BD09 (Baidu)' });

/** A point as clients send it; `crs` defaults to WGS84. Reusable in any route's body or querystring. */
export const PointInput = Type.Object({
  lng: Type.Number({ minimum: -180, maximum: 180 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  crs: Type.Optional(InputCrs),
});
export type PointInput = Static<typeof PointInput>;

export type LngLat = [lng: number, lat: number];

// gcoord is CommonJS: Node's default import is its module.exports, which TypeScript (NodeNext) types as
// the namespace holding `default`. Take whichever the runtime gives.
const gcoord = (gcoordModule as unknown as { default?: typeof gcoordModule.default }).default ?? (gcoordModule as unknown as typeof gcoordModule.default);
const gcoordCrs = { GCJ02: gcoord.GCJ02, BD09: gcoord.BD09 } as const;

export function isValidLngLat(lng: unknown, lat: unknown): boolean {
  return typeof lng === 'number' && typeof lat === 'number' && Number.isFinite(lng) && Number.isFinite(lat) && Math.abs(lng) <= 180 && Math.abs(lat) <= 90;
}

/** Throws a problem naming the fields (`/lng`, `/lat` under `fieldPrefix`) unless both are finite and in range. */
export function assertLngLat(lng: number, lat: number, fieldPrefix = ''): void {
  const fields = [];
  if (!Number.isFinite(lng) || Math.abs(lng) > 180) fields.push({ field: `${fieldPrefix}/lng`, code: 'INVALID_COORDINATE' });
  if (!Number.isFinite(lat) || Math.abs(lat) > 90) fields.push({ field: `${fieldPrefix}/lat`, code: 'INVALID_COORDINATE' });
  if (fields.length) throw new AppError('VALIDATION_FAILED', 400, {}, fields);
}

/** One position in `crs` → WGS84. WGS84 and CGCS2000 pass through unchanged. */
export function toWgs84(lng: number, lat: number, crs: InputCrs = 'WGS84'): LngLat {
  if (crs === 'WGS84' || crs === 'CGCS2000') return [lng, lat];
  const [x, y] = gcoord.transform([lng, lat], gcoordCrs[crs], gcoord.WGS84) as [number, number];
  return [x, y];
}

/** Validates a point input and converts it to WGS84; errors name `<fieldPrefix>/lng` or `/lat`. */
export function pointToWgs84(point: PointInput, fieldPrefix = ''): LngLat {
  assertLngLat(point.lng, point.lat, fieldPrefix);
  return toWgs84(point.lng, point.lat, point.crs);
}

/** A copy of a GeoJSON geometry with every position converted to WGS84 (positions must have been validated). */
export function geometryToWgs84<G extends { type: string; coordinates: unknown }>(geometry: G, crs: InputCrs = 'WGS84'): G {
  if (crs === 'WGS84' || crs === 'CGCS2000') return geometry;
  const convert = (value: unknown): unknown =>
    Array.isArray(value) && typeof value[0] === 'number' ? toWgs84(value[0], value[1] as number, crs) : Array.isArray(value) ? value.map(convert) : value;
  return { ...geometry, coordinates: convert(geometry.coordinates) };
}
