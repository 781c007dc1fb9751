import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { testCategory } from '../../../test/event-fixtures.ts';
import { caseWalker } from '../../../test/supervision-fixtures.ts';
import { startSupervisionScheduler } from './supervision-scheduler.ts';

/**
 * The supervision rules are data: the county admin sets where yellow (and the 催办) starts and the
 * reply limits of 督办 and 挂牌督办 through the event-config settings; bad values are refused with
 * field codes and change nothing; every change is audited and takes effect at once.
 */
describe('supervision rules', () => {
  let t: TestApp;
  let admin: Session;
  let command: Session;
  let walker: ReturnType<typeof caseWalker>;
  const defaults = { remindAtPercent: 80, superviseReplyLimit: { value: 1, unit: 'work_day' }, listedReplyLimit: { value: 3, unit: 'work_day' } };
  const patch = (supervision: object, session = admin) => t.as(session, { method: 'PATCH', url: '/api/event-config/settings', payload: { supervision } });
  const fields = (response: { json(): { fields: { field: string; code: string }[] } }) => response.json().fields.map((f) => `${f.field} ${f.code}`);

  beforeAll(async () => {
    t = await createTestApp();
    [admin, command] = await Promise.all([t.login('admin'), t.login('command')]);
    walker = caseWalker(t, { command, dept: await t.login('dept') });
    await testCategory(t.app, 'E9921', { value: 10, unit: 'natural_day' });
  });
  afterAll(() => t.close());

  it('starts with 80 %, one working day for a 督办 reply and three for a 挂牌督办 (migration 0021)', async () => {
    expect((await t.as(admin, { method: 'GET', url: '/api/event-config/settings' })).json().supervision).toEqual(defaults);
    expect(await t.app.db.selectFrom('setting').select('key').where('key', '=', 'supervision_reply_limit').executeTakeFirst()).toBeUndefined();
  });

  it('refuses bad rules with field codes and keeps the stored ones', async () => {
    expect(fields(await patch({ ...defaults, superviseReplyLimit: { value: 1.5, unit: 'work_day' } }))).toEqual(['/supervision/superviseReplyLimit/value SUPERVISION_LIMIT_WHOLE_DAYS']);
    expect(fields(await patch({ ...defaults, listedReplyLimit: { value: 90, unit: 'natural_day' } }))).toEqual(['/supervision/listedReplyLimit/value SUPERVISION_LIMIT_TOO_LONG']);
    expect(fields(await patch({ ...defaults, remindAtPercent: 100 }))).toEqual(['/supervision/remindAtPercent maximum']);
    expect(fields(await patch({ ...defaults, superviseReplyLimit: { value: 0, unit: 'work_hour' } }))).toEqual(['/supervision/superviseReplyLimit/value minimum']);
    expect(fields(await patch({ ...defaults, listedReplyLimit: { value: 2, unit: 'week' } }))).toEqual(['/supervision/listedReplyLimit/unit enum']);
    // A town-level command center reads the rules but does not change them.
    expect((await patch({ ...defaults, remindAtPercent: 60 }, command)).statusCode).toBe(403);
    expect((await t.as(admin, { method: 'GET', url: '/api/event-config/settings' })).json().supervision).toEqual(defaults);
    expect(await t.app.db.selectFrom('audit_log').select('id').where('entity_id', '=', 'supervision_rules').execute()).toEqual([]);
  });

  it('changes the light, the 督办 reply deadline and the 挂牌督办 offer at once, audited', async () => {
    const { id } = await walker.dispatched('E9921');
    const row = await t.app.db.selectFrom('event').select(['phase_started_at', 'phase_deadline']).where('id', '=', id).executeTakeFirstOrThrow();
    const start = row.phase_started_at!.getTime();
    const at70 = start + 0.7 * (row.phase_deadline!.getTime() - start);
    // At 70 % of the limit: green under the standard 80 %, so the scheduler sends nothing.
    const before = startSupervisionScheduler(t.app, { intervalMs: 3_600_000, now: () => at70 });
    await before.tick();
    await before.stop();
    expect(await t.app.db.selectFrom('event_supervision').select('id').where('event_id', '=', id).execute()).toEqual([]);

    const rules = { remindAtPercent: 60, superviseReplyLimit: { value: 4, unit: 'urgent_hour' }, listedReplyLimit: { value: 2, unit: 'natural_day' } };
    const changed = await patch(rules);
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().supervision).toEqual(rules);
    const audit = await t.app.db.selectFrom('audit_log').select(['action', 'changes']).where('entity_id', '=', 'supervision_rules').executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ action: 'event:calendar:update', changes: { value: { from: defaults, to: rules } } });

    // Yellow from 60 %: the same moment now reminds.
    const after = startSupervisionScheduler(t.app, { intervalMs: 3_600_000, now: () => at70 });
    await after.tick();
    expect(await t.app.db.selectFrom('event_supervision').select('level').where('event_id', '=', id).execute()).toEqual([{ level: 'remind' }]);
    // Overdue: the 督办 asks for its reply within 4 hours around the clock.
    const overdue = row.phase_deadline!.getTime() + 60_000;
    const late = startSupervisionScheduler(t.app, { intervalMs: 3_600_000, now: () => overdue });
    await late.tick();
    await Promise.all([after.stop(), late.stop()]);
    const supervise = await t.app.db.selectFrom('event_supervision').select('reply_deadline').where('event_id', '=', id).where('level', '=', 'supervise').executeTakeFirstOrThrow();
    expect(supervise.reply_deadline!.getTime()).toBe(overdue + 4 * 3_600_000);

    // The event page offers a 挂牌督办 reply in two calendar days.
    const asked = Date.now();
    const panel = (await t.as(await t.login('leader'), { method: 'GET', url: `/api/supervision/events/${id}` })).json();
    expect(panel.canList).toBe(true);
    const offered = Date.parse(panel.listReplyDeadline) - asked;
    expect(offered).toBeGreaterThanOrEqual(2 * 86_400_000 - 5_000);
    expect(offered).toBeLessThanOrEqual(2 * 86_400_000 + 5_000);
    expect((await t.app.eventConfig.lightRule()).yellowFrom).toBe(0.6);
  });
});
