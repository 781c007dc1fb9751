import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { eventsClient, homeGrid, orgId, otherGrid, pointIn } from '../../../test/event-fixtures.ts';
import { maskPhone } from '../../privacy/masking.ts';
import { distanceMetres } from '../../gis/spatial-sql.ts';
import { cipherOf, noQuietHours, outreachClient, setOutreachSettings, shopAt } from './test-support.ts';
import { startReminderScheduler } from './reminder-scheduler.ts';
import { outreachRates } from './outreach-rates.ts';

/**
 * The soft-notice path over HTTP: remind the party found at the spot, then the re-check closes the
 * event ("resolved by reminder") or sends it to law enforcement; the scheduler does the latter when the
 * grace period passes unchecked. Also: no party, plate registry, opt-out, rate limit, refusals.
 */
describe('outreach reminders on events', () => {
  let t: TestApp;
  let admin: Session;
  let command: Session;
  let grid: Session;
  let spot: { lng: number; lat: number };
  const shopPhone = '13905741234';
  const startedAt = new Date();
  const events = () => eventsClient(t);
  const outreach = () => outreachClient(t);

  /** A video-AI event at the spot, in the 受理 queue. */
  async function aiEvent(categoryCode: string, options: { at?: { lng: number; lat: number }; address?: string } = {}) {
    const response = await events().report(command, { source: 'video_ai', categoryCode, description: 'AI 识别', location: options.at ?? spot, ...(options.address === '' ? {} : { address: options.address ?? '布政路12号门前' }) });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().event as { id: number; code: string };
  }

  const history = (id: number) => t.app.db.selectFrom('event_history').selectAll().where('event_id', '=', id).orderBy('id').execute();
  const stored = (id: number) => t.app.db.selectFrom('event').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  beforeAll(async () => {
    t = await createTestApp();
    [admin, command, grid] = await Promise.all([t.login('admin'), t.login('command'), t.login('grid')]);
    // The shop at the spot gets many reminders here; the rate-limit test lowers the limit again.
    await setOutreachSettings(t, admin, { quietHours: noQuietHours, rateLimit: { maxMessages: 50, windowHours: 24 } });
    spot = await pointIn(t.app, homeGrid);
    await shopAt(t.app, spot, { phone: shopPhone, name: '古林王记便利店' });
  });
  afterAll(() => t.close());

  it('reminds the shop at the spot, and closes the event as resolved by reminder when it complied', async () => {
    const event = await aiEvent('E0550');
    const reminded = await outreach().remind(command, event.id);
    expect(reminded.statusCode, reminded.body).toBe(200);
    const view = reminded.json();
    expect(view).toMatchObject({ eligible: true, canRemind: false, canRecheck: true });
    const [reminder] = view.reminders;
    expect(reminder).toMatchObject({ status: 'awaiting', partyKind: 'enterprise', partyName: '古林王记便利店', recipient: maskPhone(shopPhone), graceMinutes: 30 });
    // E0550's policy: SMS and a voice call, both queued, numbers masked everywhere.
    expect(reminder.messages.map((m: { channel: string; status: string; recipient: string }) => [m.channel, m.status, m.recipient])).toEqual([
      ['sms', 'queued', '139****1234'],
      ['voice', 'queued', '139****1234'],
    ]);
    expect(Date.parse(reminder.recheckDueAt) - Date.parse(reminder.createdAt)).toBeCloseTo(30 * 60_000, -4);
    expect(reminded.body).not.toContain(shopPhone);

    // The text went to the outbox rendered, and the number is stored encrypted.
    const outbox = await t.app.db.selectFrom('outreach_message').selectAll().where('reminder_id', '=', reminder.id).orderBy('id').execute();
    expect(outbox[0]!.body).toMatch(/^您好，古林王记便利店：\d+月\d+日 \d\d:\d\d在布政路12号门前发现占道摆摊经营.*请于30分钟内收回摊位.*【综合信息指挥室】$/);
    expect(outbox[0]!.recipient_enc).not.toContain(shopPhone);
    expect(cipherOf(t.app).decrypt(outbox[0]!.recipient_enc)).toBe(shopPhone);

    const steps = await history(event.id);
    expect(steps.at(-1)).toMatchObject({ action: 'remind_party', from_state: 'reported', to_state: 'reported', details: expect.objectContaining({ outcome: 'awaiting', party: '古林王记便利店' }) });
    // No phone in the event history or the audit trail.
    const audit = await t.app.db.selectFrom('audit_log').select('changes').where('action', 'like', 'outreach:%').execute();
    expect(JSON.stringify([steps, audit])).not.toContain(shopPhone);

    // A second reminder while this one waits is refused; the generic action route does not take outreach steps.
    expect((await outreach().remind(command, event.id)).json().code).toBe('OUTREACH_REMINDER_PENDING');
    expect((await events().act(command, event.id, 'resolve_by_reminder')).statusCode).toBe(400);

    // The grid worker looks on the spot: the stall is gone.
    const checked = await outreach().recheck(grid, event.id, { complied: true });
    expect(checked.statusCode, checked.body).toBe(200);
    expect(checked.json().reminders[0]).toMatchObject({ status: 'complied', resolvedSource: 'manual' });
    expect(await stored(event.id)).toMatchObject({ state: 'closed', close_type: 'reminder', phase: null });
    expect((await history(event.id)).at(-1)).toMatchObject({ action: 'resolve_by_reminder', actor_name: '张网格', to_state: 'closed', note: '经提醒已整改' });
    expect((await outreach().recheck(grid, event.id, { complied: true })).json().code).toBe('OUTREACH_NO_PENDING_REMINDER');
  });

  it('dispatches the event to law enforcement through the routing rules when the party did not comply', async () => {
    const event = await aiEvent('E0505');
    expect((await outreach().remind(command, event.id)).statusCode).toBe(200);
    const response = await outreach().recheck(command, event.id, { complied: false, source: 'detection' });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().reminders[0]).toMatchObject({ status: 'not_complied', resolvedSource: 'detection' });
    const row = await stored(event.id);
    expect(row).toMatchObject({ state: 'pending_sign', phase: 'handle' });
    const unit = await t.app.db.selectFrom('organization').select(['kind', 'code']).where('id', '=', row.handling_unit_id!).executeTakeFirstOrThrow();
    // The demo routing rules send 街面秩序 in a village to its enforcement squad.
    expect(unit).toEqual({ kind: 'law_enforcement', code: 'GL-ENF-2' });
    expect((await history(event.id)).slice(-2).map((h) => [h.action, h.from_state, h.to_state])).toEqual([
      ['escalate', 'reported', 'pending_dispatch'],
      ['dispatch', 'pending_dispatch', 'pending_sign'],
    ]);
    expect((await outreach().get(command, event.id)).json()).toMatchObject({ canRemind: false, canRecheck: false });
  });

  it('escalates by itself when the grace period passes without a re-check (scheduler, restart-safe)', async () => {
    const event = await aiEvent('E0505');
    const due = Date.parse((await outreach().remind(command, event.id)).json().reminders[0].recheckDueAt);
    const early = startReminderScheduler(t.app, { intervalMs: 3_600_000, now: () => due - 1000 });
    await early.stop();
    expect((await stored(event.id)).state).toBe('reported');
    // A later process (say after a restart) finds the overdue reminder in the database.
    const later = startReminderScheduler(t.app, { intervalMs: 3_600_000, now: () => due + 1000 });
    await later.tick();
    await later.stop();
    expect(await stored(event.id)).toMatchObject({ state: 'pending_sign' });
    const steps = await history(event.id);
    expect(steps.slice(-2).map((h) => [h.action, h.actor_type, h.note])).toEqual([
      ['escalate', 'system', '提醒后宽限期已过，未见整改'],
      ['dispatch', 'system', '提醒未整改，派执法部门处置'],
    ]);
    const reminder = await t.app.db.selectFrom('outreach_reminder').selectAll().where('event_id', '=', event.id).executeTakeFirstOrThrow();
    expect(reminder).toMatchObject({ status: 'expired', resolved_source: 'deadline' });
    const audit = await t.app.db.selectFrom('audit_log').select(['actor_type', 'actor_name']).where('entity_type', '=', 'outreach_reminder').where('entity_id', '=', String(reminder.id)).where('action', '=', 'outreach:reminder:recheck').executeTakeFirstOrThrow();
    expect(audit).toEqual({ actor_type: 'system', actor_name: 'outreach-scheduler' });
  });

  it('settles a waiting reminder as superseded when the event is dispatched by hand meanwhile', async () => {
    const event = await aiEvent('E0504');
    await outreach().remind(command, event.id);
    for (const action of ['accept', 'register']) expect((await events().act(command, event.id, action)).statusCode).toBe(200);
    expect((await events().act(command, event.id, 'dispatch', { organizationId: await orgId(t.app, 'GL-ENF') })).statusCode).toBe(200);
    const scheduler = startReminderScheduler(t.app, { intervalMs: 3_600_000 });
    await scheduler.stop();
    expect((await outreach().get(command, event.id)).json().reminders[0]).toMatchObject({ status: 'superseded', resolvedSource: 'workflow' });
  });

  it('records when nobody responsible is found, and the event goes the normal way', async () => {
    const far = await pointIn(t.app, otherGrid);
    const near = await t.app.db.selectFrom('enterprise').select('id').where(distanceMetres([far.lng, far.lat]), '<=', 50).execute();
    expect(near).toEqual([]);
    const event = await aiEvent('E0511', { at: far });
    const response = await outreach().remind(command, event.id);
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().reminders[0]).toMatchObject({ status: 'no_party', partyName: null, messages: [] });
    expect(response.json().canRemind).toBe(true);
    expect((await history(event.id)).at(-1)).toMatchObject({ action: 'remind_party', to_state: 'reported', note: '未找到责任方，按常规流程处置', details: expect.objectContaining({ outcome: 'no_party' }) });
    expect((await stored(event.id)).state).toBe('reported');
  });

  it('reminds the vehicle owner when the plate registry knows the plate', async () => {
    const ownerPhone = '13600001111';
    const registered = await t.as(command, { method: 'POST', url: '/api/outreach/vehicles', payload: { plate: '浙B12345', ownerName: '李车主', phone: ownerPhone } });
    expect(registered.statusCode, registered.body).toBe(201);
    const event = await aiEvent('E0505');
    const response = await outreach().remind(command, event.id, { plate: '浙B·12345' });
    expect(response.json().reminders[0]).toMatchObject({ status: 'awaiting', partyKind: 'vehicle', partyName: '李车主', recipient: '136****1111' });
    // The owner is a private person: the event history names the kind only.
    expect((await history(event.id)).at(-1)!.details).toMatchObject({ party: 'vehicle_owner' });
    // An unknown plate falls back to the shop at the spot.
    const other = await aiEvent('E0505');
    expect((await outreach().remind(command, other.id, { plate: '浙B99999' })).json().reminders[0]).toMatchObject({ partyKind: 'enterprise' });
    expect((await history(other.id)).at(-1)!.details).toMatchObject({ plateLookup: 'unregistered', party: '古林王记便利店' });
  });

  it('sends nothing to a number on the opt-out list, and the event goes the normal way', async () => {
    const optedPhone = '13700002222';
    const place = { lng: spot.lng + 0.002, lat: spot.lat };
    await shopAt(t.app, place, { phone: optedPhone, name: '古林陈记水果店' });
    const added = await t.as(command, { method: 'POST', url: '/api/outreach/opt-outs', payload: { phone: '137-0000-2222', reason: '本人来电要求不再接收' } });
    expect(added.statusCode, added.body).toBe(201);
    expect(added.json()).toMatchObject({ phone: '137****2222' });
    expect((await t.as(command, { method: 'POST', url: '/api/outreach/opt-outs', payload: { phone: '13700002222' } })).json().code).toBe('OUTREACH_OPT_OUT_EXISTS');
    const event = await aiEvent('E0150', { at: place });
    const reminder = (await outreach().remind(command, event.id)).json().reminders[0];
    expect(reminder).toMatchObject({ status: 'not_sent', partyName: '古林陈记水果店', recheckDueAt: null });
    expect(reminder.messages).toEqual([expect.objectContaining({ channel: 'sms', status: 'skipped', reason: 'opted_out' })]);
    expect((await history(event.id)).at(-1)).toMatchObject({ note: '提醒未能发出，按常规流程处置' });
  });

  it('skips messages beyond the per-recipient rate limit', async () => {
    await setOutreachSettings(t, admin, { quietHours: noQuietHours, rateLimit: { maxMessages: 3, windowHours: 24 } });
    // The shop at the spot has had more than that by now (E0550: 2, E0505: 2 × 3, E0504: 1).
    const event = await aiEvent('E0550');
    const reminder = (await outreach().remind(command, event.id)).json().reminders[0];
    expect(reminder.status).toBe('not_sent');
    expect(reminder.messages.map((m: { reason: string }) => m.reason)).toEqual(['rate_limited', 'rate_limited']);
    await setOutreachSettings(t, admin, { rateLimit: { maxMessages: 50, windowHours: 24 } });
  });

  it('refuses categories that allow no reminder, and texts without the values they need', async () => {
    const pothole = await aiEvent('E0401');
    expect((await outreach().remind(command, pothole.id)).json()).toMatchObject({ code: 'OUTREACH_NOT_ALLOWED' });
    expect((await outreach().get(command, pothole.id)).json()).toMatchObject({ eligible: false, canRemind: false });
    const place = { lng: spot.lng, lat: spot.lat + 0.002 };
    await shopAt(t.app, place, { phone: '13800003333', name: '古林无址小店', address: '' });
    const nowhere = await aiEvent('E0150', { at: place, address: '' });
    const refused = await outreach().remind(command, nowhere.id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ code: 'OUTREACH_TEMPLATE_VALUE_MISSING' });
    expect(refused.json().detail).toContain('{place}');
    expect(await t.app.db.selectFrom('outreach_reminder').select('id').where('event_id', '=', nowhere.id).execute()).toEqual([]);
  });

  it('computes the outreach and compliance rates for the evaluation', async () => {
    const rates = await outreachRates(t.app.db, { divisionCode: '330203103', from: startedAt, to: new Date(Date.now() + 1000) });
    // Reported since the start: E0550 ×2, E0505 ×4, E0504, E0511, E0150 ×2, plus E0401 (not eligible).
    // Reminded (a message queued): E0550 (complied), E0505 ×4 (two escalated, two awaiting), E0504 (superseded);
    // not: no party (E0511), opted out (E0150), rate limited (E0550), no value for {place} (E0150).
    expect(rates).toEqual({ eligible: 10, reminded: 6, complied: 1, outreachRate: 0.6, complianceRate: 1 / 6 });
    const api = await t.as(command, { method: 'GET', url: `/api/outreach/rates?from=${startedAt.toISOString()}&to=${new Date(Date.now() + 1000).toISOString()}` });
    expect(api.json()).toEqual(rates);
  });
});
