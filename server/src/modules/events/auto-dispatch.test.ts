import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/test-app.ts';
import { eventsClient, homeGrid, pointIn } from '../../../test/event-fixtures.ts';

/** 自动派遣: a category that allows it, with exactly one unit at the top of the routing rules. */
describe('automatic dispatch', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('dispatches on registration when exactly one rule applies, as the system, with the deadline set', async () => {
    const api = eventsClient(t);
    const command = await t.login('command');
    const route = await t.app.eventConfig.route({ categoryCode: 'E0505', gridCode: homeGrid, source: 'hotline' });
    expect(route.autoDispatch).toBe(true);
    const expectedUnit = route.candidates[0]!.organizationId;
    const reported = await api.report(command, { source: 'hotline', categoryCode: 'E0505', description: '机动车占用消防通道', location: await pointIn(t.app, homeGrid), address: '薛家村口' });
    expect(reported.statusCode, reported.body).toBe(201);
    const id = reported.json().event.id as number;
    expect((await api.act(command, id, 'accept', {})).statusCode).toBe(200);
    const registered = await api.act(command, id, 'register', {});
    expect(registered.statusCode, registered.body).toBe(200);
    const row = await t.app.db.selectFrom('event').select(['state', 'handling_unit_id', 'handle_deadline']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'pending_sign', handling_unit_id: expectedUnit });
    expect(row.handle_deadline).not.toBeNull();
    const history = await t.app.db.selectFrom('event_history').select(['action', 'actor_type']).where('event_id', '=', id).orderBy('id').execute();
    expect(history.slice(-2)).toEqual([
      { action: 'register', actor_type: 'user' },
      { action: 'dispatch', actor_type: 'system' },
    ]);
  });

  it('leaves the event for a dispatcher when the category does not allow it', async () => {
    const api = eventsClient(t);
    const command = await t.login('command');
    expect((await t.app.eventConfig.route({ categoryCode: 'E0201', gridCode: homeGrid, source: 'hotline' })).autoDispatch).toBe(false);
    const reported = await api.report(command, { source: 'hotline', categoryCode: 'E0201', description: '电线杆小广告', location: await pointIn(t.app, homeGrid), address: '薛家村口' });
    const id = reported.json().event.id as number;
    await api.act(command, id, 'accept', {});
    await api.act(command, id, 'register', {});
    const row = await t.app.db.selectFrom('event').select(['state']).where('id', '=', id).executeTakeFirstOrThrow();
    expect(row.state).toBe('pending_dispatch');
  });
});
