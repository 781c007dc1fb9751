import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { orgId, testCategory } from '../../../test/event-fixtures.ts';
import { caseWalker } from '../../../test/supervision-fixtures.ts';
import { startSupervisionScheduler, type SupervisionScheduler } from './supervision-scheduler.ts';

/**
 * The automatic ladder with a clock the test moves: 催办 at 80 % of the running limit, 督办 once overdue,
 * each sent once (a second pass or a new scheduler — a restart — sends nothing more), and ended when
 * the event leaves the phase or closes.
 */
describe('supervision scheduler', () => {
  let t: TestApp;
  let command: Session;
  let dept: Session;
  let walker: ReturnType<typeof caseWalker>;
  let enf: number;
  let center: number;
  let head: number;
  let clock = Date.now();
  const schedulers: SupervisionScheduler[] = [];

  /** A fresh scheduler (as after a restart) on the test clock; its first pass runs at once. */
  const scheduler = () => {
    const s = startSupervisionScheduler(t.app, { intervalMs: 3_600_000, now: () => clock });
    schedulers.push(s);
    return s;
  };

  beforeAll(async () => {
    t = await createTestApp();
    [command, dept] = await Promise.all([t.login('command'), t.login('dept')]);
    walker = caseWalker(t, { command, dept });
    await testCategory(t.app, 'E9911', { value: 2, unit: 'natural_day' });
    [enf, center] = await Promise.all([orgId(t.app, 'GL-ENF'), orgId(t.app, 'GL-CMD')]);
    const admin = await t.login('admin');
    const created = await t.as(admin, { method: 'POST', url: '/api/system/users', payload: { username: 'enf_head', displayName: '执法队长', password: 'Head-Test-2026', divisionCode: '330203103', organizationId: enf, roles: ['unit_head'] } });
    expect(created.statusCode, created.body).toBe(201);
    head = created.json().id;
  });
  afterAll(async () => {
    for (const s of schedulers) await s.stop();
    await t.close();
  });

  const event = (id: number) => t.app.db.selectFrom('event').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const supervisions = (id: number) => t.app.db.selectFrom('event_supervision').selectAll().where('event_id', '=', id).orderBy('id').execute();
  const noticesOf = (kind: string, eventId: number) =>
    t.app.db.selectFrom('notification').select(['user_id']).where('kind', '=', kind).where('entity_id', '=', String(eventId)).orderBy('user_id').execute().then((rows) => rows.map((r) => r.user_id));
  const userId = async (username: string) => (await t.app.db.selectFrom('app_user').select('id').where('username', '=', username).executeTakeFirstOrThrow()).id;
  /** The instant at `fraction` of the running phase limit (natural days: plain arithmetic). */
  const at = async (id: number, fraction: number) => {
    const e = await event(id);
    return e.phase_started_at!.getTime() + fraction * (e.phase_deadline!.getTime() - e.phase_started_at!.getTime());
  };

  it('reminds at yellow, supervises at red, once each, and ends both when the unit moves the case on', async () => {
    const { id } = await walker.dispatched('E9911');

    clock = await at(id, 0.5);
    await scheduler().tick();
    expect(await supervisions(id)).toEqual([]);

    // Yellow: one 催办 to the whole unit.
    clock = await at(id, 0.85);
    await scheduler().tick();
    const [remind] = await supervisions(id);
    expect(remind).toMatchObject({ level: 'remind', trigger: 'auto', phase: 'handle', organization_id: enf, reply_required: false, status: 'open' });
    expect((await event(id)).supervision_level).toBe('remind');
    expect(await noticesOf('supervision.remind', id)).toEqual([await userId('dept'), head].sort((a, b) => a - b));
    const history = await t.app.db.selectFrom('event_history').selectAll().where('event_id', '=', id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(history).toMatchObject({ action: 'remind', actor_type: 'system', from_state: 'pending_sign', to_state: 'pending_sign', organization_id: enf });
    const audit = await t.app.db.selectFrom('audit_log').select(['actor_type', 'actor_name', 'action']).where('entity_type', '=', 'event_supervision').where('entity_id', '=', String(remind!.id)).executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor_type: 'system', actor_name: 'supervision-scheduler', action: 'event:supervision:remind' });

    // A second pass, and a new scheduler (a restart), send nothing more.
    const again = scheduler();
    await again.tick();
    await again.tick();
    expect(await supervisions(id)).toHaveLength(1);
    expect(await noticesOf('supervision.remind', id)).toHaveLength(2);

    // A reminder asks for no reply; automatic steps are not closed by hand.
    const reply = await t.as(dept, { method: 'POST', url: `/api/supervision/${remind!.id}/reply`, payload: { reply: '正在处理' } });
    expect([reply.statusCode, reply.json().code]).toEqual([409, 'SUPERVISION_NO_REPLY_NEEDED']);
    const close = await t.as(command, { method: 'POST', url: `/api/supervision/${remind!.id}/close`, payload: {} });
    expect([close.statusCode, close.json().code]).toEqual([409, 'SUPERVISION_ENDS_WITH_PHASE']);

    // Signing keeps the handling timer running: the 催办 stays.
    await walker.step(dept, id, 'sign');
    expect((await supervisions(id))[0]!.status).toBe('open');

    // Red: one 督办 to the unit head, with a written reply due.
    clock = await at(id, 1.05);
    await scheduler().tick();
    const [, supervise] = await supervisions(id);
    expect(supervise).toMatchObject({ level: 'supervise', trigger: 'auto', phase: 'handle', organization_id: enf, reply_required: true, status: 'open' });
    expect(supervise!.reply_deadline!.getTime()).toBeGreaterThan(clock);
    expect((await event(id)).supervision_level).toBe('supervise');
    expect(await noticesOf('supervision.supervise', id)).toEqual([head]);
    await scheduler().tick();
    expect(await supervisions(id)).toHaveLength(2);

    // Handling done: the case leaves the overdue phase, its automatic supervision ends.
    await walker.step(dept, id, 'submit', { note: '已清理' });
    expect((await supervisions(id)).map((s) => s.status)).toEqual(['closed', 'closed']);
    expect((await event(id)).supervision_level).toBeNull();
    const ended = await t.app.db.selectFrom('audit_log').select('action').where('entity_type', '=', 'event_supervision').where('entity_id', '=', String(supervise!.id)).orderBy('id').execute();
    expect(ended.map((a) => a.action)).toEqual(['event:supervision:supervise', 'event:supervision:end']);
  });

  it('supervises the command center for its own steps and ends everything when the case closes', async () => {
    const { id } = await walker.dispatched('E9911');
    await walker.step(dept, id, 'sign');
    await walker.step(dept, id, 'submit', { note: '已清理' });
    // 核查 is the command center's step: overdue, it gets the 督办.
    clock = await at(id, 1.5);
    await scheduler().tick();
    const [supervise] = await supervisions(id);
    expect(supervise).toMatchObject({ level: 'supervise', phase: 'check', organization_id: center });
    expect(await noticesOf('supervision.supervise', id)).toContain(await userId('command'));

    // The command center replies in writing (it is the addressed unit), then closes the case.
    const reply = await t.as(command, { method: 'POST', url: `/api/supervision/${supervise!.id}/reply`, payload: { reply: '核查人员已到场' } });
    expect(reply.statusCode, reply.body).toBe(200);
    expect((await supervisions(id))[0]!.status).toBe('replied');
    await walker.step(command, id, 'request_check');
    expect((await supervisions(id))[0]!.status).toBe('replied');
    await walker.step(command, id, 'check_pass');
    await walker.step(command, id, 'close');
    expect((await supervisions(id)).map((s) => s.status)).toEqual(['closed']);
    expect((await event(id)).supervision_level).toBeNull();
    // A closed case is never escalated again.
    clock += 10 * 86_400_000;
    await scheduler().tick();
    expect(await supervisions(id)).toHaveLength(1);
  });

  it('sends an event that was already overdue at start its 督办 only, not a belated 催办', async () => {
    const { id } = await walker.dispatched('E9911');
    clock = await at(id, 3);
    await scheduler().tick();
    expect((await supervisions(id)).map((s) => s.level)).toEqual(['supervise']);
  });
});
