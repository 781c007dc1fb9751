import { sql, type Expression, type RawBuilder, type SelectQueryBuilder, type SqlBool } from 'kysely';
import { assertLngLat, type LngLat } from './coordinates.ts';
import { geometryBBox, type AreaGeometry, type BBox } from './polygon.ts';

/**
 * SQL conditions over plain `lng`/`lat` double precision columns (WGS84), for tables that store points
 * (people, houses, places, devices, events). No PostGIS: the same SQL runs on PGlite and PostgreSQL.
 * Which grid a point is in is decided once, when it is saved, by `app.grids.locate` and kept in a
 * `grid_code` column; these helpers are for ad-hoc areas (a map viewport, a drawn polygon, "near me").
 */
export interface LngLatColumns {
  lng: string;
  lat: string;
}
const defaultColumns: LngLatColumns = { lng: 'lng', lat: 'lat' };

/** Metres per degree of latitude on the mean Earth sphere (R = 6,371,008.8 m). */
const metresPerDegree = (6_371_008.8 * Math.PI) / 180;

function finite(...values: number[]) {
  if (!values.every(Number.isFinite)) throw new Error('spatial SQL helpers take finite numbers only');
}

/** Inside the box, edges included. Uses a (lng, lat) or (lat, lng) btree index when the table has one. */
export function withinBBox(bbox: BBox, columns: LngLatColumns = defaultColumns): Expression<SqlBool> {
  finite(...bbox);
  const [minLng, minLat, maxLng, maxLat] = bbox;
  return sql<SqlBool>`(${sql.ref(columns.lng)} BETWEEN ${minLng} AND ${maxLng} AND ${sql.ref(columns.lat)} BETWEEN ${minLat} AND ${maxLat})`;
}

/**
 * Inside a Polygon/MultiPolygon by the even-odd rule over every ring (so holes are excluded), with a
 * bbox prefilter. A point exactly on an edge may fall either way: for "which grid", use `grid_code`.
 * Validate the geometry first (polygon.ts); its coordinates are inlined as numeric literals.
 */
export function withinPolygon(geometry: AreaGeometry, columns: LngLatColumns = defaultColumns): Expression<SqlBool> {
  const lng = sql.ref(columns.lng);
  const lat = sql.ref(columns.lat);
  const crossings: RawBuilder<unknown>[] = [];
  const rings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
  for (const ring of rings) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [x1, y1] = ring[i] as LngLat;
      const [x2, y2] = ring[i + 1] as LngLat;
      finite(x1, y1, x2, y2);
      if (y1 === y2) continue; // a horizontal edge is never crossed by the horizontal ray
      const slope = (x2 - x1) / (y2 - y1);
      // The ray from the point towards +lng crosses this edge.
      crossings.push(sql`((${lat} < ${sql.lit(y1)}) <> (${lat} < ${sql.lit(y2)}) AND ${lng} < ${sql.lit(x1)} + (${lat} - ${sql.lit(y1)}) * ${sql.lit(slope)})::int`);
    }
  }
  return sql<SqlBool>`(${withinBBox(geometryBBox(geometry), columns)} AND ${balancedSum(crossings)} % 2 = 1)`;
}

/** a + b + c … as a balanced tree, so that thousands of terms do not nest thousands deep in the parser. */
function balancedSum(terms: RawBuilder<unknown>[]): RawBuilder<unknown> {
  if (terms.length === 0) return sql`0`;
  if (terms.length === 1) return terms[0]!;
  const middle = terms.length >> 1;
  return sql`(${balancedSum(terms.slice(0, middle))} + ${balancedSum(terms.slice(middle))})`;
}

/**
 * Approximate distance in metres from a point (equirectangular projection at the point's latitude):
 * within 0.5 % up to tens of kilometres, which is all "nearest" needs in one town.
 */
export function distanceMetres(point: LngLat, columns: LngLatColumns = defaultColumns): RawBuilder<number> {
  const [lng0, lat0] = point;
  assertLngLat(lng0, lat0);
  const kx = metresPerDegree * Math.cos((lat0 * Math.PI) / 180);
  return sql<number>`sqrt(power((${sql.ref(columns.lng)} - ${sql.lit(lng0)}) * ${sql.lit(kx)}, 2) + power((${sql.ref(columns.lat)} - ${sql.lit(lat0)}) * ${sql.lit(metresPerDegree)}, 2))`;
}

/**
 * The rows nearest to a point, nearest first, optionally within a radius (which also adds a bbox
 * prefilter so an index on lng/lat can help). Add your own `.orderBy('id')` after it for stable ties.
 */
export function nearest<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  point: LngLat,
  options: { limit: number; withinMetres?: number },
  columns: LngLatColumns = defaultColumns,
): SelectQueryBuilder<DB, TB, O> {
  const distance = distanceMetres(point, columns);
  let q = query;
  if (options.withinMetres !== undefined) {
    const dLat = options.withinMetres / metresPerDegree;
    const dLng = options.withinMetres / (metresPerDegree * Math.max(Math.cos((point[1] * Math.PI) / 180), 1e-6));
    q = q.where(withinBBox([point[0] - dLng, point[1] - dLat, point[0] + dLng, point[1] + dLat], columns)).where(sql<SqlBool>`${distance} <= ${options.withinMetres}`);
  }
  return q.orderBy(distance).limit(options.limit);
}
