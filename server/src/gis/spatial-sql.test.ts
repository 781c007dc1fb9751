import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import { openTestDatabase } from '../../test/test-database.ts';
import { seededRandom } from '../demo/random.ts';
import { geometryBBox, type AreaGeometry } from './polygon.ts';
import { SpatialIndex } from './spatial-index.ts';
import { distanceMetres, nearest, withinBBox, withinPolygon } from './spatial-sql.ts';

type ProbeTables = {
  probe_point: { id: number; lng: number; lat: number };
};

const box = (x0: number, y0: number, x1: number, y1: number) => [[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]];
const holed: AreaGeometry = { type: 'Polygon', coordinates: [box(121.42, 29.82, 121.48, 29.88), box(121.44, 29.84, 121.46, 29.86).reverse()] };
const concave: AreaGeometry = {
  type: 'MultiPolygon',
  coordinates: [[[[121.40, 29.80], [121.45, 29.80], [121.42, 29.83], [121.45, 29.86], [121.40, 29.86], [121.40, 29.80]]], [box(121.49, 29.81, 121.51, 29.83)]],
};

function haversine(a: [number, number], b: [number, number]) {
  const rad = Math.PI / 180;
  const h = Math.sin(((b[1] - a[1]) * rad) / 2) ** 2 + Math.cos(a[1] * rad) * Math.cos(b[1] * rad) * Math.sin(((b[0] - a[0]) * rad) / 2) ** 2;
  return 2 * 6_371_008.8 * Math.asin(Math.sqrt(h));
}

describe('spatial SQL helpers (no PostGIS)', () => {
  let database: Database;
  let db: Kysely<ProbeTables>;
  const points: { id: number; lng: number; lat: number }[] = [];

  beforeAll(async () => {
    database = await openTestDatabase();
    db = database.db.withTables<ProbeTables>() as unknown as Kysely<ProbeTables>;
    await sql`CREATE TABLE probe_point (id integer PRIMARY KEY, lng double precision, lat double precision)`.execute(db);
    const random = seededRandom(42);
    for (let id = 1; id <= 2000; id++) points.push({ id, lng: 121.39 + random.next() * 0.14, lat: 29.79 + random.next() * 0.12 });
    points.push({ id: 9001, lng: 121.42, lat: 29.85 }, { id: 9002, lng: 121.48, lat: 29.88 }); // on the bbox edge and corner
    await db.insertInto('probe_point').values(points).execute();
    await db.insertInto('probe_point').values({ id: 9999, lng: null as never, lat: null as never }).execute();
  });
  afterAll(() => database.close());

  const ids = async (condition: ReturnType<typeof withinBBox>) =>
    (await db.selectFrom('probe_point').select('id').where(condition).orderBy('id').execute()).map((r) => r.id);

  it('withinBBox includes the edges and skips rows without coordinates', async () => {
    const bbox: [number, number, number, number] = [121.42, 29.82, 121.48, 29.88];
    const expected = points.filter((p) => p.lng >= bbox[0] && p.lng <= bbox[2] && p.lat >= bbox[1] && p.lat <= bbox[3]).map((p) => p.id);
    expect(await ids(withinBBox(bbox))).toEqual(expected);
    expect(expected).toContain(9001);
    expect(expected).toContain(9002);
  });

  it('withinPolygon agrees with the in-memory index, holes and concave parts included', async () => {
    for (const geometry of [holed, concave]) {
      const index = new SpatialIndex([{ code: 'x', geometry, bbox: geometryBBox(geometry) }]);
      const expected = points.filter((p) => p.id < 9000 && index.locate(p.lng, p.lat)).map((p) => p.id);
      expect(expected.length).toBeGreaterThan(100);
      const found = (await ids(withinPolygon(geometry))).filter((id) => id < 9000);
      expect(found).toEqual(expected);
    }
  });

  it('orders by an equirectangular distance within 0.5 % of the great-circle one', async () => {
    const from: [number, number] = [121.45, 29.85];
    const rows = await nearest(db.selectFrom('probe_point').select(['id', 'lng', 'lat', distanceMetres(from).as('metres')]), from, { limit: 5, withinMetres: 1500 }).execute();
    expect(rows).toHaveLength(5);
    const byHaversine = points.map((p) => ({ id: p.id, metres: haversine(from, [p.lng, p.lat]) })).sort((a, b) => a.metres - b.metres);
    expect(rows.map((r) => r.id)).toEqual(byHaversine.slice(0, 5).map((p) => p.id));
    for (const row of rows) expect(Math.abs(row.metres - haversine(from, [row.lng, row.lat])) / row.metres).toBeLessThan(0.005);

    const nearby = new Set((await nearest(db.selectFrom('probe_point').select('id'), from, { limit: 1000, withinMetres: 800 }).execute()).map((r) => r.id));
    expect(nearby.size).toBeGreaterThan(0);
    for (const p of byHaversine) {
      if (p.metres < 795) expect(nearby.has(p.id)).toBe(true);
      if (p.metres > 805) expect(nearby.has(p.id)).toBe(false);
    }
  });
});
