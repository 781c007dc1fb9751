import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { eventsClient, pointIn } from '../../../test/event-fixtures.ts';

/**
 * A grid worker (网格员) sees exactly the unit grids of the responsibility grids they serve, primary or
 * backup, here in two villages; nothing of the other grids of those villages; and, after a reassignment,
 * the new set at once (their cached session reloads its scope).
 */
const villageA = '330203103201';
const villageB = '330203103202';

interface Grid {
  id: number;
  code: string;
  primaryUserId: number | null;
  units: string[];
}

describe('grid worker data scope (网格员只看所负责网格)', () => {
  let t: TestApp;
  let command: Session;
  let worker: Session;
  let workerId = 0;
  const grids = new Map<string, Grid>();
  const eventIn = new Map<string, number>();
  const api = () => eventsClient(t);

  const get = async (session: Session, url: string) => t.as(session, { method: 'GET', url });
  const json = async (session: Session, url: string) => (await get(session, url)).json();
  const assign = async (grid: Grid, post: 'primaryUserId' | 'backupUserId', userId: number | null) => {
    const response = await t.as(command, { method: 'PATCH', url: `/api/map/responsibility-grids/${grid.id}`, payload: { [post]: userId } });
    expect(response.statusCode).toBe(200);
  };
  const inUnits = (units: string[]) => (code: string) => units.some((u) => code.startsWith(u));

  beforeAll(async () => {
    t = await createTestApp();
    command = await t.login('command');
    const admin = await t.login('admin');
    const created = await t.as(admin, {
      method: 'POST',
      url: '/api/system/users',
      payload: { username: 'w_two', displayName: '两村网格员', password: 'Scope-Test-2026', divisionCode: villageA, organizationId: null, roles: ['grid_worker'] },
    });
    expect(created.statusCode).toBe(201);
    workerId = created.json().id;
    worker = await t.login('w_two', 'Scope-Test-2026');

    for (const code of [`${villageA}-R01`, `${villageA}-R02`, `${villageB}-R02`]) {
      const view = (await json(command, `/api/map/responsibility-grids?pageSize=500&villageCode=${code.slice(0, 12)}`)).items.find((g: { code: string }) => g.code === code);
      grids.set(code, { id: view.id, code, primaryUserId: view.primaryUser?.id ?? null, units: view.unitGridCodes });
    }
    // One fresh event in the first unit grid of each responsibility grid, so every one has something to see.
    for (const grid of grids.values()) {
      const reported = await api().report(command, { source: 'hotline', categoryCode: 'E0201', description: `小广告 ${grid.code}`, location: await pointIn(t.app, grid.units[0]!) });
      expect(reported.statusCode).toBe(201);
      eventIn.set(grid.code, reported.json().event.id);
    }
  });
  afterAll(() => t.close());

  const served = () => [...grids.get(`${villageA}-R02`)!.units, ...grids.get(`${villageB}-R02`)!.units].sort();

  it('sees nothing while they serve no responsibility grid', async () => {
    expect(await json(worker, '/api/auth/me')).toMatchObject({ dataScope: 'grid', scopeDivisionCodes: [] });
    expect((await json(worker, '/api/events?pageSize=100')).total).toBe(0);
    expect((await json(worker, '/api/registry/houses?pageSize=100')).total).toBe(0);
    expect((await json(worker, '/api/map/boundaries?level=grid')).features).toEqual([]);
    expect((await json(worker, '/api/map/responsibility-grids')).total).toBe(0);
    expect((await get(worker, `/api/events/${eventIn.get(`${villageA}-R02`)}`)).statusCode).toBe(404);
  });

  it('sees the events, records and map layers of both villages’ grids once assigned, and nothing else', async () => {
    await assign(grids.get(`${villageA}-R02`)!, 'primaryUserId', workerId);
    await assign(grids.get(`${villageB}-R02`)!, 'backupUserId', workerId);
    const units = served();
    const mine = inUnits(units);
    expect((await json(worker, '/api/auth/me')).scopeDivisionCodes).toEqual(units);

    const db = t.app.db;
    const events = await json(worker, '/api/events?pageSize=100');
    const expectedEvents = await db.selectFrom('event').select((eb) => eb.fn.countAll<number>().as('n')).where('division_code', 'in', units).executeTakeFirstOrThrow();
    expect(events.total).toBe(Number(expectedEvents.n));
    expect(events.items.every((e: { divisionCode: string }) => mine(e.divisionCode))).toBe(true);
    expect(new Set(events.items.map((e: { divisionCode: string }) => e.divisionCode.slice(0, 12)))).toEqual(new Set([villageA, villageB]));
    for (const code of [`${villageA}-R02`, `${villageB}-R02`]) expect((await get(worker, `/api/events/${eventIn.get(code)}`)).statusCode).toBe(200);

    const houses = await json(worker, '/api/registry/houses?pageSize=100');
    const expectedHouses = await db.selectFrom('house').select((eb) => eb.fn.countAll<number>().as('n')).where('grid_code', 'in', units).executeTakeFirstOrThrow();
    expect(houses.total).toBe(Number(expectedHouses.n));
    expect(houses.items.every((h: { gridCode: string }) => mine(h.gridCode))).toBe(true);
    expect(new Set(houses.items.map((h: { gridCode: string }) => h.gridCode.slice(0, 12)))).toEqual(new Set([villageA, villageB]));
    const layer = await json(worker, '/api/registry/houses/within');
    expect(layer.features.length).toBe(Number(expectedHouses.n));
    expect(layer.features.every((f: { properties: { gridCode: string } }) => mine(f.properties.gridCode))).toBe(true);

    expect((await json(worker, '/api/map/boundaries?level=grid')).features.map((f: { id: string }) => f.id).sort()).toEqual(units);
    expect((await json(worker, '/api/map/boundaries?level=village')).features).toEqual([]);
    expect((await json(worker, '/api/map/responsibility-grids')).items.map((g: { code: string }) => g.code)).toEqual([`${villageA}-R02`, `${villageB}-R02`]);
  });

  it('answers 404 for what lies in the same villages but outside their grids', async () => {
    const outside = grids.get(`${villageA}-R01`)!;
    const house = await t.app.db.selectFrom('house').select('id').where('grid_code', '=', outside.units[0]!).limit(1).executeTakeFirstOrThrow();
    for (const url of [`/api/events/${eventIn.get(outside.code)}`, `/api/registry/houses/${house.id}`, `/api/map/responsibility-grids/${outside.id}`]) {
      const response = await get(worker, url);
      expect({ url, status: response.statusCode, code: response.json().code }).toEqual({ url, status: 404, code: 'NOT_FOUND' });
    }
  });

  it('sees the new set at once after a reassignment', async () => {
    const a2 = grids.get(`${villageA}-R02`)!;
    const b2 = grids.get(`${villageB}-R02`)!;
    await assign(a2, 'primaryUserId', a2.primaryUserId);
    expect((await json(worker, '/api/auth/me')).scopeDivisionCodes).toEqual(b2.units);
    expect((await get(worker, `/api/events/${eventIn.get(a2.code)}`)).statusCode).toBe(404);
    expect((await get(worker, `/api/events/${eventIn.get(b2.code)}`)).statusCode).toBe(200);
    expect((await json(worker, '/api/map/boundaries?level=grid')).features.map((f: { id: string }) => f.id)).toEqual(b2.units);
    expect((await json(worker, '/api/registry/houses?pageSize=100')).items.every((h: { gridCode: string }) => inUnits(b2.units)(h.gridCode))).toBe(true);
  });
});
