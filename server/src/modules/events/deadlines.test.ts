import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { eventsClient, homeGrid, orgId, pointIn, testCategory } from '../../../test/event-fixtures.ts';

/**
 * Deadlines on the seeded calendar (08:30–12:00, 13:30–17:30, no holidays in early December 2026)
 * with the clock held still: the category allows 4 working hours.
 */
const at = (local: string) => new Date(`${local}+08:00`);
const iso = (local: string) => at(local).toISOString();

describe('event deadlines', () => {
  let t: TestApp;
  let api: ReturnType<typeof eventsClient>;
  let command: Session;
  let dept: Session;
  let enf: number;
  let point: { lng: number; lat: number };

  beforeAll(async () => {
    t = await createTestApp({ sessionIdleMinutes: 100_000, sessionMaxHours: 100_000 });
    api = eventsClient(t);
    [command, dept] = await Promise.all([t.login('command'), t.login('dept')]);
    await testCategory(t.app, 'E9904', { value: 4, unit: 'work_hour' });
    enf = await orgId(t.app, 'GL-ENF');
    point = await pointIn(t.app, homeGrid);
  });
  afterAll(() => t.close());
  afterEach(() => vi.useRealTimers());

  const clock = (local: string) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(at(local));
  };

  async function step(session: Session, id: number, action: string, payload: Record<string, unknown> = {}) {
    const response = await api.act(session, id, action, payload);
    expect(response.statusCode, response.body).toBe(200);
    return response.json().event;
  }

  /** Reported by a grid worker on Friday 16:00, registered and dispatched at once. */
  async function dispatchedFriday() {
    clock('2026-12-04T16:00:00');
    const report = await api.report(command, { source: 'patrol', categoryCode: 'E9904', description: '占道经营', location: point });
    const event = report.json().event;
    // 立案 within 15 working minutes.
    expect(event).toMatchObject({ state: 'pending_register', phase: 'register', phaseDeadline: iso('2026-12-04T16:15:00') });
    expect((await step(command, event.id, 'register')).phaseDeadline).toBe(iso('2026-12-04T16:15:00'));
    const dispatched = await step(command, event.id, 'dispatch', { organizationId: enf });
    // 1.5 working hours on Friday, 2.5 on Monday from 08:30.
    expect(dispatched).toMatchObject({ phase: 'handle', handleDeadline: iso('2026-12-07T11:00:00'), phaseDeadline: iso('2026-12-07T11:00:00') });
    await step(dept, event.id, 'sign');
    return event.id as number;
  }

  it('runs the steps of urgent and critical events around the clock on their shorter limits', async () => {
    // Friday 22:00: a normal report waits for Monday morning, an urgent one is due in 5 minutes.
    clock('2026-12-04T22:00:00');
    const report = async (urgency: string) => (await api.report(command, { source: 'patrol', categoryCode: 'E9904', description: '窨井盖缺失', location: point, urgency })).json().event;
    expect(await report('normal')).toMatchObject({ phase: 'register', phaseDeadline: iso('2026-12-07T08:45:00') });
    const urgent = await report('urgent');
    expect(urgent).toMatchObject({ urgency: 'urgent', phase: 'register', phaseDeadline: iso('2026-12-04T22:05:00'), light: 'green' });
    expect(await report('critical')).toMatchObject({ phase: 'register', phaseDeadline: iso('2026-12-04T22:02:00') });
    // The light counts natural minutes too: 4 of 5 used is yellow, past 5 is red.
    clock('2026-12-04T22:04:00');
    expect((await api.get(command, urgent.id)).json().event.light).toBe('yellow');
    clock('2026-12-04T22:06:00');
    expect((await api.get(command, urgent.id)).json().event.light).toBe('red');
    // The next step gets the urgent dispatch limit, also at night.
    expect((await step(command, urgent.id, 'register')).phaseDeadline).toBe(iso('2026-12-04T22:11:00'));
  });

  it('sets the handling deadline on the work calendar, extends it twice, then refuses', async () => {
    const id = await dispatchedFriday();
    clock('2026-12-07T10:30:00');
    expect((await api.get(command, id)).json().event.light).toBe('yellow');
    await step(dept, id, 'request_extension', { reason: '需协调产权单位' });
    expect((await api.act(dept, id, 'request_extension', { reason: '再次' })).json().code).toBe('EXTENSION_NOT_ALLOWED');
    expect((await step(command, id, 'approve_extension')).handleDeadline).toBe(iso('2026-12-07T16:30:00'));
    await step(dept, id, 'request_extension', { reason: '材料未到' });
    const second = await step(command, id, 'approve_extension');
    expect(second).toMatchObject({ handleDeadline: iso('2026-12-08T11:30:00'), extensionCount: 2 });
    const third = await api.act(dept, id, 'request_extension', { reason: '还要延期' });
    expect(third.statusCode).toBe(409);
    expect(third.json().code).toBe('EXTENSION_LIMIT');
    expect((await api.act(command, id, 'approve_extension')).json().code).toBe('NO_PENDING_EXTENSION');

    clock('2026-12-08T14:00:00');
    expect((await api.get(command, id)).json().event.light).toBe('red');
    expect((await step(dept, id, 'submit')).handleTimedOut).toBe(true);
    await step(command, id, 'request_check');
    await step(await t.login('grid'), id, 'check_pass');
    expect(await step(command, id, 'close')).toMatchObject({ closeType: 'overtime' });
    expect((await step(dept, id, 'appeal', { reason: '产权单位原因' })).appealStatus).toBe('pending');
    expect((await api.act(dept, id, 'appeal', { reason: '再申诉' })).json().code).toBe('APPEAL_NOT_ALLOWED');
    expect((await step(command, id, 'decide_appeal', { decision: 'approve' })).appealStatus).toBe('approved');
  });

  it('pauses the handling limit while suspended and moves the deadline on resume', async () => {
    const id = await dispatchedFriday();
    const tooLate = await api.act(command, id, 'suspend', { reason: '等待汛期结束', until: iso('2028-01-01T00:00:00') });
    expect(tooLate.json().fields).toEqual([expect.objectContaining({ field: '/until', code: 'EVENT_SUSPEND_UNTIL' })]);
    const suspended = await step(command, id, 'suspend', { reason: '等待汛期结束', until: iso('2026-12-07T09:00:00') });
    expect(suspended).toMatchObject({ state: 'suspended', phase: 'suspended', phaseDeadline: iso('2026-12-07T09:00:00'), light: null, handleDeadline: iso('2026-12-07T11:00:00') });
    expect((await api.act(dept, id, 'submit')).json().code).toBe('ILLEGAL_TRANSITION');
    const queue = (await t.as(command, { method: 'GET', url: '/api/events?queue=suspended&pageSize=100' })).json();
    expect(queue.items.map((e: { id: number }) => e.id)).toContain(id);

    clock('2026-12-07T09:00:00');
    // Four working hours were left when it paused (Fri 16:00 → Mon 11:00): from Monday 09:00 that is 14:30.
    const resumed = await step(command, id, 'resume');
    expect(resumed).toMatchObject({ state: 'handling', phase: 'handle', handleDeadline: iso('2026-12-07T14:30:00'), phaseDeadline: iso('2026-12-07T14:30:00'), suspendedUntil: null });
  });

  it('times the 受理 phase in working time for a report made at night', async () => {
    clock('2026-12-04T22:00:00');
    const { event } = (await api.report(command, { source: 'hotline', categoryCode: 'E9904', description: '夜间来电', location: point })).json();
    expect(event).toMatchObject({ state: 'reported', phase: 'accept', phaseDeadline: iso('2026-12-07T08:45:00') });
  });

  it('registers under the chosen 立案条件, whose limit then applies at dispatch', async () => {
    const urgentCondition = await t.app.db
      .insertInto('event_standard')
      .values({ category_code: 'E9904', register_condition: '占用消防通道', close_condition: '通道清空', limit_value: 2, limit_unit: 'urgent_hour', sort: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const otherCategory = await t.app.db.selectFrom('event_standard').select('id').where('category_code', '<>', 'E9904').where('active', '=', true).executeTakeFirstOrThrow();
    t.app.eventConfig.invalidate();
    clock('2026-12-04T16:00:00');
    const { event } = (await api.report(command, { source: 'patrol', categoryCode: 'E9904', description: '占用消防通道', location: point })).json();
    expect(event.standardId).toBeNull();
    for (const standardId of [otherCategory.id, 999_999]) {
      const refused = await api.act(command, event.id, 'register', { standardId });
      expect(refused.json()).toMatchObject({ code: 'EVENT_STANDARD_INVALID', fields: [{ field: '/standardId', code: 'EVENT_STANDARD_INVALID' }] });
    }
    expect((await api.get(command, event.id)).json().event.state).toBe('pending_register');
    expect((await step(command, event.id, 'register', { standardId: urgentCondition.id })).standardId).toBe(urgentCondition.id);
    // Two natural hours from Friday 16:00, not four working hours.
    expect(await step(command, event.id, 'dispatch', { organizationId: enf })).toMatchObject({ standardId: urgentCondition.id, handleDeadline: iso('2026-12-04T18:00:00') });
  });
});
