import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestApp, parameterisedRoutes, type Session, type TestApp } from '../../../test/test-app.ts';
import { orgId } from '../../../test/event-fixtures.ts';
import { localDate } from '../events/work-calendar.ts';

/**
 * The evaluation shows only what the actor may see. Its routes take no path parameters: the area is
 * the `division` query parameter, probed here on every route — another village answers 404 like a
 * division that does not exist, and an organisation-scoped actor counts only its units' cases.
 */
const town = '330203103';
const villageA = '330203103201';
const villageB = '330203103202';
const from = localDate(Date.now() - 365 * 86_400_000);
const to = localDate(Date.now() + 86_400_000);
const routes = ['/api/evaluation', '/api/evaluation/events', '/api/evaluation/export'];
const query = (division?: string) => `from=${from}&to=${to}&object=area${division ? `&division=${division}` : ''}`;
/** The query each route takes (the drill-down names a number). */
const url = (route: string, division?: string) => `${route}?${query(division)}${route.endsWith('/events') ? '&indicator=reports' : ''}`;

describe('evaluation data scope', () => {
  let t: TestApp;
  let admin: Session;
  let villageLeader: Session;
  let unitEvaluator: Session;
  let enf = 0;

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.login('admin');
    enf = await orgId(t.app, 'GL-ENF');
    const post = (url: string, payload: Record<string, unknown>) => t.as(admin, { method: 'POST', url, payload });
    const role = await post('/api/system/roles', { code: 'unit_evaluator', nameZh: '单位考核员', nameEn: 'Unit evaluator', dataScope: 'organization', permissions: ['event:evaluation:read'] });
    expect(role.statusCode, role.body).toBe(201);
    for (const [username, divisionCode, organizationId, roles] of [
      ['a_leader', villageA, null, ['leader']],
      ['enf_evaluator', town, enf, ['unit_evaluator']],
    ] as const) {
      const created = await post('/api/system/users', { username, displayName: username, password: 'Scope-Test-2026', divisionCode, organizationId, roles });
      expect(created.statusCode, created.body).toBe(201);
    }
    [villageLeader, unitEvaluator] = await Promise.all([t.login('a_leader', 'Scope-Test-2026'), t.login('enf_evaluator', 'Scope-Test-2026')]);
  });
  afterAll(() => t.close());

  const get = (session: Session, url: string) => t.as(session, { method: 'GET', url });

  it('has no path parameters: the area is a query parameter, probed below', () => {
    expect(parameterisedRoutes(t, ['/api/evaluation'])).toEqual([]);
    expect(t.routes.filter((r) => r.includes('/api/evaluation')).sort()).toEqual(['GET /api/evaluation', 'GET /api/evaluation/events', 'GET /api/evaluation/export', 'GET /api/evaluation/indicators']);
  });

  it('answers 404 for an area outside the scope on every route, like one that does not exist', async () => {
    for (const route of routes) {
      for (const division of [town, villageB, '330203103299']) {
        const response = await get(villageLeader, url(route, division));
        expect({ route, division, status: response.statusCode, code: response.json().code }).toEqual({ route, division, status: 404, code: 'NOT_FOUND' });
      }
    }
  });

  it('evaluates its own area by default, with the same numbers as anyone who sees it', async () => {
    const own = (await get(villageLeader, `/api/evaluation?${query()}`)).json();
    const byAdmin = (await get(admin, `/api/evaluation?${query(villageA)}`)).json();
    expect(own.division.code).toBe(villageA);
    expect(own.total.reports).toBeGreaterThan(0);
    expect(own.rows).toEqual(byAdmin.rows);
    const list = (await get(villageLeader, `${url('/api/evaluation/events')}&pageSize=500`)).json();
    expect(list.total).toBe(own.total.reports);
    expect(list.items.every((e: { divisionCode: string }) => e.divisionCode.startsWith(villageA))).toBe(true);
  });

  it('counts only the cases of its units for an organisation scope', async () => {
    const units = (await t.app.db.selectFrom('organization').select('id').where(sql<boolean>`id = ${enf} OR parent_id = ${enf}`).execute()).map((o) => o.id);
    const visible = await t.app.db
      .selectFrom('event')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('reported_at', '>=', new Date(`${from}T00:00:00+08:00`))
      .where('reported_at', '<', new Date(`${to}T00:00:00+08:00`))
      .where(sql<boolean>`division_code LIKE ${`${town}%`} AND (handling_unit_id IN (${sql.join(units)}) OR co_unit_ids && ARRAY[${sql.join(units)}]::int[])`)
      .executeTakeFirstOrThrow();
    const table = (await get(unitEvaluator, `/api/evaluation?from=${from}&to=${to}&object=organization`)).json();
    expect(Number(visible.n)).toBeGreaterThan(0);
    expect(table.total.reports).toBe(Number(visible.n));
    const all = (await get(admin, `/api/evaluation?from=${from}&to=${to}&object=organization&division=${town}`)).json();
    expect(all.total.reports).toBeGreaterThan(table.total.reports);
  });

  it('is refused without the permission', async () => {
    const grid = await t.login('grid');
    for (const route of [...routes, '/api/evaluation/indicators']) {
      const response = await get(grid, url(route));
      expect({ route, status: response.statusCode }).toEqual({ route, status: 403 });
    }
  });
});
