import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Polygon } from 'geojson';
import { createTestApp, type Session, type TestApp } from '../../../../test/test-app.ts';
import { SpatialIndex } from '../../../gis/spatial-index.ts';
import type { LayerShape } from '../../../gis/polygon.ts';

const town = '330203103';
const community = `${town}001`; // 薛家社区 → 执法一中队
const villageA = `${town}201`; // 薛家村 → 执法二中队
const villageB = `${town}202`;

describe('routing rules', () => {
  let t: TestApp;
  let admin: Session;
  let command: Session;
  const org = new Map<string, number>();
  const route = (categoryCode: string | null, gridCode: string | null, source = 'grid') => t.app.eventConfig.route({ categoryCode, gridCode, source });
  const names = (result: Awaited<ReturnType<typeof route>>) => result.candidates.map((c) => c.name);

  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.login('admin');
    command = await t.login('command');
    for (const o of await t.app.db.selectFrom('organization').select(['id', 'code']).execute()) org.set(o.code, o.id);
  });
  afterAll(() => t.close());

  it('route the demo town: street order by village squad (automatic), shared duties as suggestions, AI rubbish by source', async () => {
    const parking = await route('E0505', `${villageA}03`, 'video_ai');
    expect(parking.autoDispatch).toBe(true);
    expect(names(parking)).toEqual(['执法二中队', '古林综合行政执法队']);
    expect(parking.candidates[0]!.priority).toBe(10);
    expect(names(await route('E0505', `${community}02`))).toEqual(['执法一中队', '古林综合行政执法队']);
    // 店外经营 has one best rule but its category does not allow automatic dispatch.
    expect((await route('E0504', `${villageA}03`)).autoDispatch).toBe(false);
    const building = await route('E0101', `${villageA}03`);
    expect(building).toMatchObject({ autoDispatch: false });
    expect(names(building)).toEqual(['古林综合行政执法队', '村镇建设办公室']);
    expect(names(await route('E0102', `${villageA}03`, 'video_ai'))).toEqual(['保洁服务公司', '环境卫生管理所']);
    expect(names(await route('E0102', `${villageA}03`, 'hotline'))).toEqual(['环境卫生管理所']);
    expect(await route('E0403', `${villageA}03`)).toEqual({ candidates: [{ organizationId: org.get('GL-EMERG'), name: '应急管理办公室', priority: 0 }], autoDispatch: true });
    // Not yet placed in a grid: no area rule applies; the 立案条件's default unit is the only suggestion.
    expect(await route('E0403', null)).toEqual({ candidates: [{ organizationId: org.get('GL-EMERG'), name: '应急管理办公室', priority: null }], autoDispatch: false });
    expect(await route(null, `${villageA}03`)).toEqual({ candidates: [], autoDispatch: false });
  });

  it('route a point on the boundary of two villages by the grid that holds it, always the same way', async () => {
    // Two unit grids of different villages sharing the edge lng = 121.5; the locator gives the lowest code.
    const square = (code: string, west: number): LayerShape => {
      const ring = [[west, 29.8], [west + 0.01, 29.8], [west + 0.01, 29.81], [west, 29.81], [west, 29.8]];
      return { code, geometry: { type: 'Polygon', coordinates: [ring] } as Polygon, bbox: [west, 29.8, west + 0.01, 29.81] };
    };
    const grids = new SpatialIndex([square(`${villageA}01`, 121.5), square(`${community}01`, 121.49)]);
    const onEdge = grids.locate(121.5, 29.805)!.code;
    expect(onEdge).toBe(`${community}01`);
    for (let i = 0; i < 3; i++) expect(names(await route('E0505', grids.locate(121.5, 29.805)!.code))[0]).toBe('执法一中队');
    expect(names(await route('E0505', grids.locate(121.505, 29.805)!.code))[0]).toBe('执法二中队');
  });

  it('lets the command center maintain its town rules, audited, with routing updated at once', async () => {
    const created = await t.as(command, {
      method: 'POST',
      url: '/api/event-config/routing-rules',
      payload: { categoryCode: 'E0507', divisionCode: villageA, source: 'video_ai', organizationId: org.get('GL-CLEAN'), priority: 20 },
    });
    expect(created.statusCode).toBe(201);
    const rule = created.json();
    expect(rule).toMatchObject({ categoryName: '乱堆物堆料', divisionName: '薛家村', organizationName: '保洁服务公司', active: true });
    expect(names(await route('E0507', `${villageA}02`, 'video_ai'))[0]).toBe('保洁服务公司');
    const lowered = await t.as(command, { method: 'PATCH', url: `/api/event-config/routing-rules/${rule.id}`, payload: { priority: 5 } });
    expect(lowered.json().priority).toBe(5);
    expect(names(await route('E0507', `${villageA}02`, 'video_ai'))[0]).toBe('执法二中队');
    expect((await t.as(command, { method: 'DELETE', url: `/api/event-config/routing-rules/${rule.id}` })).statusCode).toBe(204);
    expect(names(await route('E0507', `${villageA}02`, 'video_ai'))).not.toContain('保洁服务公司');
    const records = await t.app.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'routing_rule').where('entity_id', '=', String(rule.id)).orderBy('id').execute();
    expect(records.map((r) => [r.action, r.division_code])).toEqual([
      ['event:routing:create', villageA],
      ['event:routing:update', villageA],
      ['event:routing:delete', villageA],
    ]);
    expect(records[1]!.changes).toEqual({ priority: { from: 20, to: 5 } });
  });

  it('validates references; rules for any area belong to county-level actors', async () => {
    const create = (session: Session, payload: object) =>
      t.as(session, { method: 'POST', url: '/api/event-config/routing-rules', payload: { categoryCode: 'E0505', divisionCode: villageA, source: null, organizationId: org.get('GL-ENF'), priority: 0, ...payload } });
    expect((await create(command, { categoryCode: 'E0598' })).json().code).toBe('INVALID_REFERENCE');
    expect((await create(command, { divisionCode: `${town}299` })).json().code).toBe('INVALID_REFERENCE');
    expect((await create(command, { source: 'pigeon' })).json().code).toBe('VALIDATION_FAILED');
    expect((await create(command, { organizationId: 999999 })).json().code).toBe('INVALID_REFERENCE');
    expect((await create(command, { divisionCode: '330203104' })).json()).toMatchObject({ code: 'OUT_OF_SCOPE', fields: [{ field: '/divisionCode' }] });
    expect((await create(command, { divisionCode: null })).json().code).toBe('OUT_OF_SCOPE');
    const anyArea = await create(admin, { divisionCode: null, categoryCode: null, priority: -10 });
    expect(anyArea.statusCode).toBe(201);
    expect(names(await route('E0201', null))).toEqual(['古林综合行政执法队']);
    // The town's command center neither sees nor changes the deployment-wide rule.
    const commandList = (await t.as(command, { method: 'GET', url: '/api/event-config/routing-rules?pageSize=500' })).json();
    expect(commandList.items.every((r: { divisionCode: string | null }) => r.divisionCode?.startsWith(town))).toBe(true);
    expect((await t.as(command, { method: 'PATCH', url: `/api/event-config/routing-rules/${anyArea.json().id}`, payload: { priority: 1 } })).statusCode).toBe(404);
    const adminList = (await t.as(admin, { method: 'GET', url: '/api/event-config/routing-rules?pageSize=500' })).json();
    expect(adminList.total).toBe(commandList.total + 1);
  });

  describe('a village-level actor', () => {
    let village: Session;
    let townRule: number;
    beforeAll(async () => {
      const role = await t.as(admin, { method: 'POST', url: '/api/system/roles', payload: { code: 'village_router', nameZh: '村路由', nameEn: 'Village router', dataScope: 'division', permissions: ['event:routing:read', 'event:routing:update'] } });
      expect(role.statusCode).toBe(201);
      await t.as(admin, { method: 'POST', url: '/api/system/users', payload: { username: 'b_router', displayName: '乙村路由', password: 'Router-Test-2026', divisionCode: villageB, organizationId: null, roles: ['village_router'] } });
      village = await t.login('b_router', 'Router-Test-2026');
      townRule = (await t.app.db.selectFrom('routing_rule').select('id').where('division_code', '=', town).where('category_code', '=', 'E0102').where('source', 'is', null).executeTakeFirstOrThrow()).id;
    });

    it('sees only the rules of its village', async () => {
      const list = (await t.as(village, { method: 'GET', url: '/api/event-config/routing-rules?pageSize=500' })).json();
      expect(list.total).toBe(15);
      expect(list.items.every((r: { divisionCode: string }) => r.divisionCode === villageB)).toBe(true);
    });

    it('cannot edit or delete town-level rules (404) nor place rules in another village', async () => {
      expect((await t.as(village, { method: 'PATCH', url: `/api/event-config/routing-rules/${townRule}`, payload: { priority: 99 } })).statusCode).toBe(404);
      expect((await t.as(village, { method: 'DELETE', url: `/api/event-config/routing-rules/${townRule}` })).statusCode).toBe(404);
      const elsewhere = await t.as(village, { method: 'POST', url: '/api/event-config/routing-rules', payload: { categoryCode: 'E0505', divisionCode: villageA, source: null, organizationId: org.get(`GF-${villageB}`), priority: 0 } });
      expect(elsewhere.json().code).toBe('OUT_OF_SCOPE');
      // Town organisations are outside a village actor's scope; its own grid force is not.
      const townOrg = await t.as(village, { method: 'POST', url: '/api/event-config/routing-rules', payload: { categoryCode: 'E0511', divisionCode: villageB, source: null, organizationId: org.get('GL-ENF'), priority: 30 } });
      expect(townOrg.json().code).toBe('INVALID_REFERENCE');
      const own = await t.as(village, { method: 'POST', url: '/api/event-config/routing-rules', payload: { categoryCode: 'E0511', divisionCode: villageB, source: null, organizationId: org.get(`GF-${villageB}`), priority: 30 } });
      expect(own.statusCode).toBe(201);
      expect(names(await route('E0511', `${villageB}01`))[0]).toBe('岳童村网格力量');
      // A village rule set by the town (pointing at a town squad) can still be re-prioritised there.
      const squadRule = (await t.as(village, { method: 'GET', url: '/api/event-config/routing-rules?categoryCode=E0505' })).json().items[0];
      expect((await t.as(village, { method: 'PATCH', url: `/api/event-config/routing-rules/${squadRule.id}`, payload: { priority: 11 } })).json()).toMatchObject({ priority: 11, organizationName: '执法二中队' });
      const unchanged = await t.app.db.selectFrom('routing_rule').select('priority').where('id', '=', townRule).executeTakeFirstOrThrow();
      expect(unchanged.priority).toBe(0);
    });

    it('a village administrator without the permission gets 403', async () => {
      const villageAdmin = await t.login('village');
      expect((await t.as(villageAdmin, { method: 'GET', url: '/api/event-config/routing-rules' })).statusCode).toBe(403);
      expect((await t.as(villageAdmin, { method: 'PATCH', url: `/api/event-config/routing-rules/${townRule}`, payload: { priority: 99 } })).statusCode).toBe(403);
    });
  });
});
