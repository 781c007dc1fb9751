import gcoordModule from 'gcoord';
import type { Polygon, Position } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { multipart, multipartHeaders } from '../../../test/fixtures.ts';
import { demoOutlines } from '../../demo/demo-boundaries.ts';
import { demoVillages } from '../../demo/demo-town.ts';
import { shapefileParts, wgs84Prj, zip } from './shapefile.fixture.ts';

const gcoord = (gcoordModule as unknown as { default?: typeof gcoordModule.default }).default ?? (gcoordModule as unknown as typeof gcoordModule.default);

const villageA = '330203103201';
const villageB = '330203103202';
const outlines = demoOutlines(demoVillages());
const grid = (seq: string, village = villageA) => outlines.grids.get(`${village}${seq}`) as Polygon;
const middle = (geometry: Polygon) => {
  const corners = geometry.coordinates[0]!.slice(0, -1);
  return [corners.reduce((s, p) => s + p[0]!, 0) / corners.length, corners.reduce((s, p) => s + p[1]!, 0) / corners.length] as [number, number];
};
const feature = (properties: Record<string, unknown>, geometry: unknown) => ({ type: 'Feature', properties, geometry });
const collection = (...features: unknown[]) => Buffer.from(JSON.stringify({ type: 'FeatureCollection', features }));
const bowTie = (g: Polygon) => {
  const [a, b, c, d] = g.coordinates[0]!;
  return { type: 'Polygon', coordinates: [[a, c, b, d, a]] };
};

describe('boundary import and editing', () => {
  let t: TestApp;
  let admin: Session;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.login('admin');
  });
  afterAll(() => t.close());

  const upload = (session: Session, file: Buffer, query = 'reason=测绘更新', name = 'grids.geojson', type = 'application/geo+json') =>
    t.as(session, { method: 'POST', url: `/api/map/imports?${query}`, payload: multipart(name, file, type), headers: multipartHeaders });
  const storedGeometry = async (code: string) => (await t.app.db.selectFrom('unit_grid').select('geometry').where('code', '=', code).executeTakeFirstOrThrow()).geometry;
  const historyCount = async () => (await t.app.db.selectFrom('boundary_history').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n;

  it('replaces unit grids from GeoJSON, with history and audit, and rebuilds the index', async () => {
    // Swap the outlines of grids 01 and 02: still a valid tiling, but every point changes grid.
    const point = middle(grid('01'));
    expect(t.app.grids.locate(...point)!.unitGridCode).toBe(`${villageA}01`);
    const response = await upload(admin, collection(feature({ code: `${villageA}01`, name: 'ignored' }, grid('02')), feature({ code: `${villageA}02` }, grid('01'))));
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      imported: 2,
      features: [
        { code: `${villageA}01`, name: '薛家村第1网格', level: 'grid', areaM2: expect.any(Number), change: 'updated' },
        { code: `${villageA}02`, name: '薛家村第2网格', level: 'grid', areaM2: expect.any(Number), change: 'updated' },
      ],
    });
    expect(await storedGeometry(`${villageA}01`)).toEqual(grid('02'));
    expect(t.app.grids.locate(...point)!.unitGridCode).toBe(`${villageA}02`);

    const history = await t.app.db.selectFrom('boundary_history').selectAll().where('division_code', '=', `${villageA}01`).orderBy('id').execute();
    expect(history.map((h) => h.source)).toEqual(['seed', 'import']);
    expect(history[1]).toMatchObject({ old_geometry: grid('01'), new_geometry: grid('02'), changed_by_name: '系统管理员', reason: '测绘更新' });
    const audit = await t.app.db.selectFrom('audit_log').select(['action', 'entity_type', 'entity_id', 'division_code', 'changes']).where('action', '=', 'map:grid:import').orderBy('id').execute();
    expect(audit.map((a) => [a.entity_type, a.entity_id, a.division_code])).toEqual([
      ['unit_grid', `${villageA}01`, `${villageA}01`],
      ['unit_grid', `${villageA}02`, `${villageA}02`],
    ]);
    expect(audit[0]!.changes).toMatchObject({ _details: { reason: '测绘更新', file: 'grids.geojson', history_id: history[1]!.id } });
  });

  it('imports nothing when one feature is wrong, and reports every wrong feature', async () => {
    const before = { history: await historyCount(), grid03: await storedGeometry(`${villageA}03`) };
    const response = await upload(
      admin,
      collection(
        feature({ code: `${villageA}03` }, grid('03')), // fine on its own
        feature({ code: `${villageA}04` }, bowTie(grid('04'))),
        feature({ code: '33020310320199' }, grid('05')),
        feature({ code: `${villageA}03` }, grid('03')),
        feature({ name: '无编码' }, grid('06')),
        feature({ code: `${villageA}05` }, grid('06')), // lies on stored grid 06
        feature({ code: 33020310320106 }, { type: 'Polygon', coordinates: [[[121.4, 29.8], [121.41, 29.8], [121.41, 29.81]]] }),
      ),
    );
    expect(response.statusCode).toBe(422);
    const problem = response.json();
    expect(problem).toMatchObject({ code: 'IMPORT_REJECTED', detail: '共 7 个要素，其中 6 个未通过检查，整个文件未导入' });
    expect(problem.fields.map((f: { field: string; code: string }) => `${f.field} ${f.code}`)).toEqual([
      '/features/1 SELF_INTERSECTION',
      '/features/2 UNKNOWN_DIVISION',
      '/features/3 DUPLICATE_CODE',
      '/features/4 MISSING_CODE',
      '/features/5 OVERLAP',
      '/features/6 RING_TOO_SHORT',
    ]);
    expect(problem.fields[3].message).toBe('#5：缺少编码属性“code”');
    expect(problem.fields[4].message).toMatch(new RegExp(`^${villageA}05：与 ${villageA}06 重叠约 \\d+ 平方米$`));
    expect(await historyCount()).toBe(before.history);
    expect(await storedGeometry(`${villageA}03`)).toEqual(before.grid03);
  });

  it('reads zipped shapefiles, with the code in a configurable attribute', async () => {
    const parts = shapefileParts([{ code: `${villageA}03`, geometry: grid('03') }]);
    const archive = zip({ '网格.shp': parts.shp, '网格.dbf': parts.dbf, '网格.prj': wgs84Prj });
    const response = await upload(admin, archive, 'reason=shp&codeProperty=CODE', 'grids.zip', 'application/zip');
    expect(response.statusCode).toBe(200);
    expect(response.json().features).toEqual([expect.objectContaining({ code: `${villageA}03`, change: 'updated' })]);
    expect(t.app.grids.locate(...middle(grid('03')))!.unitGridCode).toBe(`${villageA}03`);
    // Without the attribute named, every feature lacks a code.
    const missing = await upload(admin, archive, 'reason=shp', 'grids.zip', 'application/zip');
    expect(missing.json().fields).toEqual([expect.objectContaining({ field: '/features/0', code: 'MISSING_CODE' })]);
  });

  it('refuses unreadable, empty or oversized files', async () => {
    expect((await upload(admin, Buffer.from('not json'))).json()).toMatchObject({ code: 'IMPORT_FORMAT' });
    expect((await upload(admin, collection())).json()).toMatchObject({ code: 'IMPORT_EMPTY' });
    const bomb = zip({ 'a.shp': Buffer.alloc(65 * 1024 * 1024), 'a.dbf': Buffer.alloc(10) });
    const response = await upload(admin, bomb, 'reason=x', 'bomb.zip', 'application/zip');
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('IMPORT_UNZIPPED_TOO_LARGE');
    expect((await upload(admin, collection(), '')).json().fields).toEqual([expect.objectContaining({ field: '/querystring/reason', code: 'required' })]);
  });

  it('lets only holders of map:grid:import import', async () => {
    const village = await t.login('village');
    const response = await upload(village, collection(feature({ code: `${villageA}01` }, grid('01'))));
    expect(response.json()).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('redraws one outline, converting GCJ-02 input, and keeps the history', async () => {
    const town = outlines.town;
    const gcj = { type: 'Polygon', coordinates: town.coordinates.map((ring) => ring.map((p) => gcoord.transform(p as [number, number], gcoord.WGS84, gcoord.GCJ02))) };
    const response = await t.as(admin, { method: 'PUT', url: '/api/map/boundaries/330203103', payload: { geometry: gcj, crs: 'GCJ02', reason: '按高德底图重绘' } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ code: '330203103', level: 'town', change: 'updated' });
    const stored = (await t.app.db.selectFrom('boundary').select('geometry').where('division_code', '=', '330203103').executeTakeFirstOrThrow()).geometry as Polygon;
    stored.coordinates[0]!.forEach((p: Position, i) => {
      expect(Math.abs(p[0]! - town.coordinates[0]![i]![0]!)).toBeLessThan(1e-6);
      expect(Math.abs(p[1]! - town.coordinates[0]![i]![1]!)).toBeLessThan(1e-6);
    });
    const audit = await t.app.db.selectFrom('audit_log').select(['entity_type', 'entity_id']).where('action', '=', 'map:grid:update').execute();
    expect(audit).toEqual([{ entity_type: 'boundary', entity_id: '330203103' }]);

    const history = (await t.as(admin, { method: 'GET', url: '/api/map/boundary-history?code=330203103&pageSize=5' })).json();
    expect(history.items.map((h: { divisionCode: string; source: string }) => `${h.divisionCode} ${h.source}`).slice(0, 1)).toEqual(['330203103 edit']);
    expect(history.items[0]).toMatchObject({ reason: '按高德底图重绘', changedByName: '系统管理员', crs: 'EPSG:4326', oldGeometry: town });
  });

  it('refuses an invalid or overlapping redraw and answers 404 outside the scope', async () => {
    const put = (session: Session, code: string, geometry: unknown) => t.as(session, { method: 'PUT', url: `/api/map/boundaries/${code}`, payload: { geometry, reason: '测试' } });
    const crossed = (await put(admin, `${villageA}04`, bowTie(grid('04')))).json();
    expect(crossed).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: '/geometry', code: 'SELF_INTERSECTION' }] });
    expect(crossed.fields[0].message).toMatch(new RegExp(`^${villageA}04：边界自相交`));
    expect((await put(admin, `${villageA}04`, grid('06'))).json().fields[0].code).toBe('OVERLAP');
    expect((await put(admin, '33020310320199', grid('06'))).statusCode).toBe(404);

    const created = await t.as(admin, {
      method: 'POST',
      url: '/api/system/users',
      payload: { username: 'a_mapper', displayName: '甲村测绘', password: 'Scope-Test-2026', divisionCode: villageA, organizationId: null, roles: ['admin'] },
    });
    expect(created.statusCode).toBe(201);
    const mapperA = await t.login('a_mapper', 'Scope-Test-2026');
    const outOfScope = await put(mapperA, `${villageB}01`, grid('01', villageB));
    expect(outOfScope.statusCode).toBe(404);
    expect(outOfScope.json().code).toBe('NOT_FOUND');
    const imported = await upload(mapperA, collection(feature({ code: `${villageB}01` }, grid('01', villageB))));
    expect(imported.json().fields).toEqual([expect.objectContaining({ field: '/features/0', code: 'FEATURE_OUT_OF_SCOPE' })]);
    const history = (await t.as(mapperA, { method: 'GET', url: '/api/map/boundary-history?pageSize=500' })).json();
    expect(history.total).toBeGreaterThan(0);
    expect(history.items.every((h: { divisionCode: string }) => h.divisionCode.startsWith(villageA))).toBe(true);
  });
});
