import gcoordModule from 'gcoord';
import booleanPointInPolygon from '@turf/boolean-point-in-polygon';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { demoOutlines } from '../../demo/demo-boundaries.ts';
import { demoVillages } from '../../demo/demo-town.ts';

const gcoord = (gcoordModule as unknown as { default?: typeof gcoordModule.default }).default ?? (gcoordModule as unknown as typeof gcoordModule.default);

const villageA = '330203103201'; // 薛家村: the demo users `village` (admin) and `grid` (its grid 01)
const villageB = '330203103202';
const outlines = demoOutlines(demoVillages());
const grid = (code: string) => outlines.grids.get(code)!;
/** The mean of a convex polygon's corners lies inside it. */
const middle = (ring: Position[]) => {
  const corners = ring.slice(0, -1);
  return [corners.reduce((s, p) => s + p[0]!, 0) / corners.length, corners.reduce((s, p) => s + p[1]!, 0) / corners.length] as [number, number];
};
/** The lowest code among the demo grids containing the point: the documented rule, computed by brute force. */
const expectedGrid = (point: Position) => [...outlines.grids].filter(([, g]) => booleanPointInPolygon(point, g)).map(([code]) => code).sort();

describe('map API: outlines, point lookup, scope', () => {
  let t: TestApp;
  let admin: Session;
  let village: Session;
  let gridWorker: Session;

  beforeAll(async () => {
    t = await createTestApp();
    [admin, village, gridWorker] = await Promise.all([t.login('admin'), t.login('village'), t.login('grid')]);
  });
  afterAll(() => t.close());

  const get = (session: Session, url: string) => t.as(session, { method: 'GET', url });

  it('serves town, village and unit-grid outlines as GeoJSON in EPSG:4326', async () => {
    const town = (await get(admin, '/api/map/boundaries?level=town')).json();
    expect(town).toMatchObject({ type: 'FeatureCollection', crs: 'EPSG:4326' });
    expect(town.features).toHaveLength(1);
    expect(town.features[0]).toMatchObject({ type: 'Feature', id: '330203103', properties: { code: '330203103', name: '古林镇', level: 'town', parentCode: '330203' } });
    expect(town.features[0].geometry).toEqual(outlines.town);

    const villages = (await get(admin, '/api/map/boundaries?level=village')).json().features;
    expect(villages).toHaveLength(34);
    expect(villages[0].properties.areaM2).toBeGreaterThan(1_000_000);

    const grids = (await get(admin, `/api/map/boundaries?level=grid&parentCode=${villageA}`)).json().features;
    expect(grids.map((f: { id: string }) => f.id)).toEqual(demoVillages().find((v) => v.code === villageA)!.gridCodes);
    expect(grids[0].properties).toMatchObject({ name: '薛家村第1网格', level: 'grid', parentCode: villageA });

    const [lng, lat] = middle((grid(`${villageA}01`) as Polygon).coordinates[0]!);
    const inBox = (await get(admin, `/api/map/boundaries?level=grid&bbox=${lng},${lat},${lng},${lat}`)).json().features;
    expect(inBox.map((f: { id: string }) => f.id)).toContain(`${villageA}01`);
    expect(inBox.length).toBeLessThan(5);
    expect((await get(admin, '/api/map/boundaries?level=grid&bbox=1.2.3,29.8,121.5,29.9')).json().fields).toEqual([expect.objectContaining({ field: '/querystring/bbox', code: 'INVALID_COORDINATE' })]);
  });

  it('shows each user only the outlines inside their division', async () => {
    expect((await get(village, '/api/map/boundaries?level=town')).json().features).toEqual([]);
    const villages = (await get(village, '/api/map/boundaries?level=village')).json().features;
    expect(villages.map((f: { id: string }) => f.id)).toEqual([villageA]);
    const grids = (await get(village, '/api/map/boundaries?level=grid')).json().features;
    expect(grids.every((f: { id: string }) => f.id.startsWith(villageA))).toBe(true);
    expect((await get(village, `/api/map/boundaries?level=grid&parentCode=${villageB}`)).json().features).toEqual([]);
    // The demo grid worker serves 薛家村第1责任网格 and backs up 岳童村第1责任网格: their unit grids, nothing else.
    const served = (await get(gridWorker, '/api/auth/me')).json().scopeDivisionCodes as string[];
    expect(served).toContain(`${villageA}01`);
    expect(served.some((code) => code.startsWith(villageB))).toBe(true);
    expect((await get(gridWorker, '/api/map/boundaries?level=grid')).json().features.map((f: { id: string }) => f.id)).toEqual(served);
    expect((await get(gridWorker, '/api/map/boundaries?level=village')).json().features).toEqual([]);
  });

  it('locates a point in its unit grid, village and responsibility grid', async () => {
    const [lng, lat] = middle((grid(`${villageA}01`) as Polygon).coordinates[0]!);
    const response = await get(village, `/api/map/locate?lng=${lng}&lat=${lat}`);
    expect(response.statusCode).toBe(200);
    const found = response.json();
    expect(found).toMatchObject({ unitGridCode: `${villageA}01`, unitGridName: '薛家村第1网格', villageCode: villageA, villageName: '薛家村', lng, lat, crs: 'EPSG:4326' });
    expect(found.responsibilityGrid).toMatchObject({ code: `${villageA}-R01`, villageCode: villageA, primaryUser: { username: 'grid' } });
    expect(found.responsibilityGrid.unitGridCodes).toContain(`${villageA}01`);
    expect(found.responsibilityGrid.backupUser.username).not.toBe('grid');
    expect(t.app.grids.locate(lng, lat)).toEqual({ unitGridCode: `${villageA}01`, villageCode: villageA, responsibilityGridId: found.responsibilityGrid.id });
  });

  it('converts GCJ-02 (AMap, WeChat) and BD-09 (Baidu) input to WGS84', async () => {
    const wgs = middle((grid(`${villageB}03`) as Polygon).coordinates[0]!);
    for (const crs of ['GCJ02', 'BD09'] as const) {
      const [lng, lat] = gcoord.transform(wgs, gcoord.WGS84, gcoord[crs]) as [number, number];
      const found = (await get(admin, `/api/map/locate?lng=${lng}&lat=${lat}&crs=${crs}`)).json();
      expect(found.unitGridCode).toBe(`${villageB}03`);
      expect(Math.abs(found.lng - wgs[0]) + Math.abs(found.lat - wgs[1])).toBeLessThan(2e-5);
    }
  });

  it('answers shared vertices and enclaves by the documented rule', async () => {
    // A lattice corner where several villages meet, and a vertex two grids of one village share.
    const corner = (outlines.villages.get(villageA)!.coordinates[0]!)[0]!;
    const shared = (grid(`${villageA}02`) as Polygon).coordinates[0]!.find((p) => (grid(`${villageA}01`) as Polygon).coordinates[0]!.some((q) => q[0] === p[0] && q[1] === p[1]))!;
    // 330203103205: grid 01 has a hole, the enclave in it belongs to grid 02.
    const enclave = (grid('33020310320502') as MultiPolygon).coordinates[1]![0]!;
    const cases = [
      { point: corner, claimants: expectedGrid(corner) },
      { point: shared, claimants: expectedGrid(shared) },
      { point: enclave[0]!, claimants: ['33020310320501', '33020310320502'] },
    ];
    for (const { point, claimants } of cases) {
      // Several grids hold the point on their boundary: the lowest code wins.
      expect(claimants.length).toBeGreaterThanOrEqual(2);
      expect(expectedGrid(point)).toEqual(claimants);
      expect((await get(admin, `/api/map/locate?lng=${point[0]}&lat=${point[1]}`)).json().unitGridCode).toBe(claimants[0]);
    }
    expect(expectedGrid(shared)).toContain(`${villageA}02`);
    // Strictly inside the enclave: the hole is not part of grid 01.
    const inside = middle(enclave);
    expect(expectedGrid(inside)).toEqual(['33020310320502']);
    expect((await get(admin, `/api/map/locate?lng=${inside[0]}&lat=${inside[1]}`)).json().unitGridCode).toBe('33020310320502');
  });

  it('refuses bad coordinates naming the field, and says when a point is outside every grid', async () => {
    for (const [query, field] of [
      ['lng=200&lat=29.8', '/querystring/lng'],
      ['lng=121.4&lat=NaN', '/querystring/lat'],
      ['lng=abc&lat=29.8', '/querystring/lng'],
    ]) {
      const response = await get(admin, `/api/map/locate?${query}`);
      expect(response.statusCode).toBe(400);
      expect(response.json().fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    expect((await get(admin, '/api/map/locate?lng=121.4&lat=29.8&crs=MARS')).json().fields[0].field).toBe('/querystring/crs');
    const outside = await get(admin, '/api/map/locate?lng=120.0&lat=30.0');
    expect(outside.statusCode).toBe(404);
    expect(outside.headers['content-type']).toContain('application/problem+json');
    expect(outside.json()).toMatchObject({ code: 'OUTSIDE_ALL_GRIDS', detail: '该位置（120.000000, 30.000000）不在任何网格内' });
  });

  it('does not reveal grids outside the caller’s scope', async () => {
    const [lng, lat] = middle((grid(`${villageB}01`) as Polygon).coordinates[0]!);
    const response = await get(village, `/api/map/locate?lng=${lng}&lat=${lat}`);
    expect(response.statusCode).toBe(404);
    expect(response.json().code).toBe('NOT_FOUND');
    const served = (await get(gridWorker, '/api/auth/me')).json().scopeDivisionCodes as string[];
    const notServed = [...Array(9).keys()].map((i) => `${villageA}0${i + 1}`).find((code) => !served.includes(code))!;
    const other = middle((grid(notServed) as Polygon).coordinates[0]!);
    expect((await get(gridWorker, `/api/map/locate?lng=${other[0]}&lat=${other[1]}`)).json().code).toBe('NOT_FOUND');
  });

  it('needs map:grid:read', async () => {
    const fund = await t.login('fund');
    expect((await get(fund, '/api/map/boundaries?level=village')).json().code).toBe('FORBIDDEN');
    expect((await get(fund, '/api/map/locate?lng=121.45&lat=29.85')).json().code).toBe('FORBIDDEN');
  });
});
