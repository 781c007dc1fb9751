import type { Polygon, Position } from 'geojson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { demoOutlines } from '../../demo/demo-boundaries.ts';
import { demoVillages } from '../../demo/demo-town.ts';

const villageA = '330203103201';
const villageB = '330203103202';
const outlines = demoOutlines(demoVillages());
const middle = (code: string) => {
  const corners = (outlines.grids.get(code) as Polygon).coordinates[0]!.slice(0, -1);
  return [corners.reduce((s, p) => s + p[0]!, 0) / corners.length, corners.reduce((s, p) => s + p[1]!, 0) / corners.length] as Position;
};

interface View {
  id: number;
  code: string;
  villageCode: string;
  unitGridCodes: string[];
  primaryUser: { id: number; username: string } | null;
  backupUser: { id: number; username: string } | null;
}

describe('responsibility grids (责任网格)', () => {
  let t: TestApp;
  let command: Session;
  let village: Session;
  let otherVillage: Session;
  const userId = new Map<string, number>();

  beforeAll(async () => {
    t = await createTestApp();
    [command, village, otherVillage] = await Promise.all([t.login('command'), t.login('village'), t.login('v202')]);
    for (const u of await t.app.db.selectFrom('app_user').select(['id', 'username']).execute()) userId.set(u.username, u.id);
  });
  afterAll(() => t.close());

  const list = async (session: Session, query = '') => (await t.as(session, { method: 'GET', url: `/api/map/responsibility-grids?pageSize=500${query}` })).json();
  const ofVillage = async (code: string) => (await list(command, `&villageCode=${code}`)).items as View[];

  it('bundles every demo unit grid once, with a primary and a backup grid worker', async () => {
    // The sign-in account `grid` holds the post of unit grid 01 of village A, and backs up village B's first grid.
    const primaryOf = (g: View) => (g.code === `${villageA}-R01` ? 'grid' : `g${g.unitGridCodes[0]!.slice(-5)}`);
    const all = await list(command);
    const units = (all.items as View[]).flatMap((g) => g.unitGridCodes);
    expect(units.length).toBe(outlines.grids.size);
    expect(new Set(units).size).toBe(units.length);
    for (const g of all.items as View[]) {
      expect(g.unitGridCodes.length).toBeGreaterThanOrEqual(1);
      expect(g.unitGridCodes.length).toBeLessThanOrEqual(3);
      expect(g.primaryUser!.username).toBe(primaryOf(g));
      expect(g.backupUser!.username).toMatch(/^(g\d{5}|grid)$/);
      expect(g.backupUser!.id).not.toBe(g.primaryUser!.id);
    }
    expect((all.items as View[]).find((g) => g.code === `${villageB}-R01`)!.backupUser!.username).toBe('grid');
  });

  it('shows each user only their own village’s responsibility grids; others answer 404', async () => {
    const mine = (await list(village)).items as View[];
    expect(mine.length).toBeGreaterThan(0);
    expect(mine.every((g) => g.villageCode === villageA)).toBe(true);
    // A grid worker sees the responsibility grids they serve, here in two villages.
    const gridWorker = (await list(await t.login('grid'))).items as View[];
    expect(gridWorker.map((g) => g.code)).toEqual([`${villageA}-R01`, `${villageB}-R01`]);

    const [b] = await ofVillage(villageB);
    for (const probe of [
      { method: 'GET' as const, url: `/api/map/responsibility-grids/${b!.id}` },
      { method: 'PATCH' as const, url: `/api/map/responsibility-grids/${b!.id}`, payload: { name: '改名' } },
    ]) {
      const response = await t.as(village, probe);
      expect(response.statusCode).toBe(404);
      expect(response.json().code).toBe('NOT_FOUND');
    }
    expect((await t.as(otherVillage, { method: 'GET', url: `/api/map/responsibility-grids/${b!.id}` })).statusCode).toBe(200);
  });

  it('refuses a unit grid that another responsibility grid holds (409), or one of another village', async () => {
    const [first] = await ofVillage(villageA);
    const create = (payload: Record<string, unknown>) =>
      t.as(village, { method: 'POST', url: '/api/map/responsibility-grids', payload: { code: 'A-NEW', name: '新责任网格', villageCode: villageA, primaryUserId: null, backupUserId: null, ...payload } });
    const taken = await create({ unitGridCodes: [first!.unitGridCodes[0]] });
    expect(taken.statusCode).toBe(409);
    expect(taken.json()).toMatchObject({ code: 'UNIT_GRID_TAKEN', detail: `单元网格 ${first!.unitGridCodes[0]} 已属于责任网格 ${first!.code}` });
    expect((await create({ unitGridCodes: [`${villageB}01`] })).json()).toMatchObject({ code: 'INVALID_REFERENCE', fields: [{ field: '/unitGridCodes' }] });
    expect((await create({ villageCode: villageB, unitGridCodes: [`${villageB}01`] })).json().code).toBe('INVALID_REFERENCE');
    // Workers must be users inside the caller's scope, and two different people.
    const patch = (payload: Record<string, unknown>) => t.as(village, { method: 'PATCH', url: `/api/map/responsibility-grids/${first!.id}`, payload });
    expect((await patch({ primaryUserId: userId.get('g20201') })).json()).toMatchObject({ code: 'INVALID_REFERENCE', fields: [{ field: '/primaryUserId' }] });
    const same = (await patch({ backupUserId: first!.primaryUser!.id })).json();
    expect(same).toMatchObject({ code: 'VALIDATION_FAILED', fields: [{ field: '/backupUserId', code: 'SAME_AS_PRIMARY' }] });
    expect((await ofVillage(villageA)).map((g) => g.code)).not.toContain('A-NEW');
  });

  it('moves a unit grid between responsibility grids, audits it and updates the point lookup', async () => {
    const first = (await ofVillage(villageA)).find((g) => g.unitGridCodes.length >= 2)!;
    const moved = first.unitGridCodes.at(-1)!;
    const rest = first.unitGridCodes.slice(0, -1);
    const [lng, lat] = middle(moved);
    expect(t.app.grids.locate(lng!, lat!)!.responsibilityGridId).toBe(first.id);

    const patch = await t.as(village, { method: 'PATCH', url: `/api/map/responsibility-grids/${first.id}`, payload: { unitGridCodes: rest, backupUserId: null } });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toMatchObject({ unitGridCodes: rest, backupUser: null });
    expect(t.app.grids.locate(lng!, lat!)!.responsibilityGridId).toBeNull();

    const created = await t.as(village, {
      method: 'POST',
      url: '/api/map/responsibility-grids',
      payload: { code: 'A-NEW', name: '新责任网格', villageCode: villageA, primaryUserId: userId.get(`g${moved.slice(-5)}`), backupUserId: userId.get('g20101'), unitGridCodes: [moved] },
    });
    expect(created.statusCode).toBe(201);
    const view = created.json();
    expect(view).toMatchObject({ code: 'A-NEW', villageCode: villageA, villageName: '薛家村', unitGridCodes: [moved], primaryUser: { username: `g${moved.slice(-5)}` }, backupUser: { username: 'g20101' } });
    expect(t.app.grids.locate(lng!, lat!)!.responsibilityGridId).toBe(view.id);
    const located = (await t.as(village, { method: 'GET', url: `/api/map/locate?lng=${lng}&lat=${lat}` })).json();
    expect(located.responsibilityGrid.code).toBe('A-NEW');

    const audit = await t.app.db.selectFrom('audit_log').select(['action', 'entity_id', 'division_code', 'changes']).where('entity_type', '=', 'responsibility_grid').orderBy('id').execute();
    expect(audit.map((a) => [a.action, a.entity_id, a.division_code])).toEqual([
      ['map:responsibility-grid:update', String(first.id), villageA],
      ['map:responsibility-grid:create', String(view.id), villageA],
    ]);
    expect(audit[0]!.changes).toMatchObject({ unit_grid_codes: { from: first.unitGridCodes, to: rest }, backup_user_id: { to: null } });

    const duplicate = await t.as(command, { method: 'POST', url: '/api/map/responsibility-grids', payload: { code: 'A-NEW', name: 'x', villageCode: villageB, primaryUserId: null, backupUserId: null, unitGridCodes: [`${villageB}01`] } });
    expect(duplicate.json()).toMatchObject({ code: 'ALREADY_EXISTS', detail: '责任网格已存在：A-NEW' });
  });

  it('is kept by command center and village admins only', async () => {
    const grid = await t.login('grid');
    const [mine] = (await list(grid)).items as View[];
    expect((await t.as(grid, { method: 'PATCH', url: `/api/map/responsibility-grids/${mine!.id}`, payload: { name: 'x' } })).json().code).toBe('FORBIDDEN');
    const leader = await t.login('leader');
    expect((await list(leader)).total).toBeGreaterThan(100);
    expect((await t.as(leader, { method: 'PATCH', url: `/api/map/responsibility-grids/${mine!.id}`, payload: { name: 'x' } })).json().code).toBe('FORBIDDEN');
  });
});
