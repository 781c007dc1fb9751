import type { Polygon } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, parameterisedRoutes, type Session, type TestApp } from '../../../test/test-app.ts';
import { demoOutlines } from '../../demo/demo-boundaries.ts';
import { demoVillages } from '../../demo/demo-town.ts';

/**
 * A village-A actor holding every permission: village B's outlines and responsibility grids answer 404
 * like missing ones on every map route with an id, and never appear in A's lists.
 */
const villageA = '330203103201';
const villageB = '330203103202';
const outlineOfB = demoOutlines(demoVillages()).villages.get(villageB) as Polygon;

describe('map data scope', () => {
  let t: TestApp;
  let a: Session;
  let gridOfB = 0;

  beforeAll(async () => {
    t = await createTestApp();
    const admin = await t.login('admin');
    await t.as(admin, { method: 'POST', url: '/api/system/users', payload: { username: 'a_superuser', displayName: '甲村全权', password: 'Scope-Test-2026', divisionCode: villageA, organizationId: null, roles: ['admin'] } });
    a = await t.login('a_superuser', 'Scope-Test-2026');
    gridOfB = (await t.app.db.selectFrom('responsibility_grid').select('id').where('village_code', '=', villageB).orderBy('id').limit(1).executeTakeFirstOrThrow()).id;
  });
  afterAll(() => t.close());

  const outOfScope = () => [
    { method: 'PUT' as const, url: `/api/map/boundaries/${villageB}`, payload: { geometry: outlineOfB, reason: '越权' } },
    { method: 'GET' as const, url: `/api/map/responsibility-grids/${gridOfB}` },
    { method: 'PATCH' as const, url: `/api/map/responsibility-grids/${gridOfB}`, payload: { name: '改名' } },
  ];

  it('covers every parameterised map route', () => {
    const covered = outOfScope().map((p) => `${p.method} ${p.url.replace(villageB, ':code').replace(/\/(\d+)(?=\/|$)/g, '/:id')}`);
    expect(parameterisedRoutes(t, ['/api/map/']).sort()).toEqual([...new Set(covered)].sort());
  });

  it('answers 404 for village B on every such route and changes nothing', async () => {
    for (const probe of outOfScope()) {
      const response = await t.as(a, probe);
      expect({ route: `${probe.method} ${probe.url}`, status: response.statusCode }).toEqual({ route: `${probe.method} ${probe.url}`, status: 404 });
      expect(response.json().code).toBe('NOT_FOUND');
    }
    expect(await t.app.db.selectFrom('responsibility_grid').select('name').where('id', '=', gridOfB).executeTakeFirst()).toEqual({ name: '岳童村第1责任网格' });
    const history = await t.app.db.selectFrom('boundary_history').select('source').where('division_code', '=', villageB).execute();
    expect(history).toEqual([{ source: 'seed' }]);
  });

  it('lists only A outlines, responsibility grids and history', async () => {
    const get = async (url: string) => (await t.as(a, { method: 'GET', url })).json();
    for (const level of ['town', 'village', 'grid']) {
      const features = (await get(`/api/map/boundaries?level=${level}`)).features;
      expect(features.every((f: { id: string }) => f.id.startsWith(villageA))).toBe(true);
    }
    const grids = await get('/api/map/responsibility-grids?pageSize=500');
    expect(grids.total).toBeGreaterThan(0);
    expect(grids.items.every((g: { villageCode: string }) => g.villageCode === villageA)).toBe(true);
    expect((await get(`/api/map/responsibility-grids?villageCode=${villageB}`)).total).toBe(0);
    const history = await get('/api/map/boundary-history?pageSize=500');
    expect(history.items.every((h: { divisionCode: string }) => h.divisionCode.startsWith(villageA))).toBe(true);
    expect((await get(`/api/map/boundary-history?code=${villageB}`)).total).toBe(0);
  });
});
