import type { App } from '../src/app.ts';
import type { LimitUnit } from '../src/modules/events/work-calendar.ts';
import type { Session, TestApp } from './test-app.ts';

/** The demo grid worker's grid (张网格, 薛家村第1网格) and another village's grid. */
export const homeGrid = '33020310320101';
export const otherGrid = '33020310320501';

/** A point the grid index places in `gridCode`, found by walking a lattice over the grid's bounding box. */
export async function pointIn(app: App, gridCode: string): Promise<{ lng: number; lat: number }> {
  const box = await app.db.selectFrom('unit_grid').select(['min_lng', 'min_lat', 'max_lng', 'max_lat']).where('code', '=', gridCode).executeTakeFirstOrThrow();
  for (let i = 1; i < 20; i++) {
    for (let j = 1; j < 20; j++) {
      const lng = box.min_lng + ((box.max_lng - box.min_lng) * i) / 20;
      const lat = box.min_lat + ((box.max_lat - box.min_lat) * j) / 20;
      if (app.grids.locate(lng, lat)?.unitGridCode === gridCode) return { lng, lat };
    }
  }
  throw new Error(`no point found inside ${gridCode}`);
}

/** A category of our own with one standard, so limits in tests do not depend on the seeded catalogue. */
export async function testCategory(app: App, code: string, limit: { value: number; unit: LimitUnit }, options: { publicReportable?: boolean } = {}) {
  const org = await app.db.selectFrom('organization').select('id').where('code', '=', 'GL-ENF').executeTakeFirstOrThrow();
  await app.db
    .insertInto('event_category')
    .values({ code, kind: 'event', major_code: code.slice(1, 3), major_name: '测试', minor_code: code.slice(3, 5), minor_name: `测试类别${code}`, public_reportable: options.publicReportable ?? true })
    .execute();
  await app.db
    .insertInto('event_standard')
    .values({ category_code: code, register_condition: '测试立案条件', close_condition: '测试结案条件', limit_value: limit.value, limit_unit: limit.unit, default_organization_id: org.id })
    .execute();
  app.eventConfig.invalidate();
}

export async function orgId(app: App, code: string): Promise<number> {
  return (await app.db.selectFrom('organization').select('id').where('code', '=', code).executeTakeFirstOrThrow()).id;
}

export function eventsClient(t: TestApp) {
  return {
    report: (session: Session, payload: Record<string, unknown>) => t.as(session, { method: 'POST', url: '/api/events', payload }),
    act: (session: Session, id: number, action: string, payload: Record<string, unknown> = {}) => t.as(session, { method: 'POST', url: `/api/events/${id}/actions/${action}`, payload }),
    get: (session: Session, id: number) => t.as(session, { method: 'GET', url: `/api/events/${id}` }),
  };
}
