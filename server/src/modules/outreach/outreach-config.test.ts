import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { enqueueMessages } from './outbox.ts';
import { loadSettings } from './settings.ts';
import { OutboxWorker } from './outbox-worker.ts';
import { deliveryConfigFromEnv } from './providers/provider-config.ts';
import { webhookSignature } from './providers/webhook-provider.ts';
import { cipherOf, noQuietHours, setOutreachSettings } from './test-support.ts';

/** Templates, policies and settings over HTTP (validated, audited, county level only), and delivery receipts. */
const receiptSecret = 'receipt-test-secret';

describe('outreach configuration and receipts', () => {
  let t: TestApp;
  let admin: Session;
  let command: Session;

  beforeAll(async () => {
    process.env.OUTREACH_WEBHOOK_SECRET = receiptSecret;
    t = await createTestApp();
    [admin, command] = await Promise.all([t.login('admin'), t.login('command')]);
  });
  afterAll(async () => {
    delete process.env.OUTREACH_WEBHOOK_SECRET;
    await t.close();
  });

  const templates = async (session: Session) => (await t.as(session, { method: 'GET', url: '/api/outreach/templates' })).json();

  it('lists the seeded polite templates of the categories that allow reminders', async () => {
    const catalog = await templates(command);
    expect(catalog.variables).toEqual(['place', 'party', 'category', 'time', 'deadline_minutes', 'sign']);
    expect(catalog.defaults.map((d: { channel: string }) => d.channel)).toEqual(['sms', 'voice']);
    const codes = catalog.categories.map((c: { code: string }) => c.code);
    expect(codes).toEqual(expect.arrayContaining(['E0150', 'E0504', 'E0505', 'E0511', 'E0550']));
    const parking = catalog.categories.find((c: { code: string }) => c.code === 'E0505');
    expect(parking).toMatchObject({ name: '机动车乱停放', graceMinutes: 10, channels: ['sms', 'voice'], ownPolicy: true });
    expect(parking.templates.map((x: { channel: string; body: string }) => [x.channel, x.body.slice(0, 3)])).toEqual([
      ['sms', '您好！'],
      ['voice', '您好，'],
    ]);
  });

  it('rejects unknown variables and unmatched braces with field errors naming them', async () => {
    const parkingSms = (await templates(admin)).categories.find((c: { code: string }) => c.code === 'E0505').templates[0];
    const unknown = await t.as(admin, { method: 'PUT', url: `/api/outreach/templates/${parkingSms.id}`, payload: { body: '您好，请{plate}车主于{deadline_minutes}分钟内挪车' }, headers: { 'accept-language': 'en' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().fields).toEqual([{ field: '/body', code: 'OUTREACH_TEMPLATE_UNKNOWN_VARIABLE', message: expect.stringContaining('Unknown variable "plate"; available: {place} {party}') }]);
    const braces = await t.as(admin, { method: 'POST', url: '/api/outreach/templates/preview', payload: { body: '请于{deadline_minutes分钟内' } });
    expect(braces.json().fields).toEqual([{ field: '/body', code: 'OUTREACH_TEMPLATE_BRACES', message: '第 3 个字符处的花括号不成对' }]);
    expect((await t.as(admin, { method: 'POST', url: '/api/outreach/templates', payload: { categoryCode: 'E0506', channel: 'sms', body: '  ' } })).json().fields[0].code).toBe('OUTREACH_TEMPLATE_EMPTY');
  });

  it('previews a body with example values', async () => {
    const preview = await t.as(command, { method: 'POST', url: '/api/outreach/templates/preview', payload: { body: '{party}：请于{deadline_minutes}分钟内处理{category}。【{sign}】', categoryCode: 'E0505' } });
    expect(preview.json()).toEqual({ text: '古林王记便利店：请于10分钟内处理机动车乱停放。【综合信息指挥室】', length: 33 });
  });

  it('changes, adds and removes templates (audited); a category without its own falls back to the default', async () => {
    const parkingSms = (await templates(admin)).categories.find((c: { code: string }) => c.code === 'E0505').templates[0];
    const body = '您好！{time}在{place}有车辆违停，请于{deadline_minutes}分钟内驶离，谢谢配合。【{sign}】';
    const changed = await t.as(admin, { method: 'PUT', url: `/api/outreach/templates/${parkingSms.id}`, payload: { body, providerTemplateCode: 'SMS_465360123' } });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({ body, providerTemplateCode: 'SMS_465360123', active: true });
    const audit = await t.app.db.selectFrom('audit_log').select('changes').where('action', '=', 'outreach:template:update').where('entity_id', '=', String(parkingSms.id)).executeTakeFirstOrThrow();
    expect(audit.changes).toMatchObject({ body: { to: body }, provider_template_code: { from: null, to: 'SMS_465360123' } });

    expect((await t.as(admin, { method: 'POST', url: '/api/outreach/templates', payload: { categoryCode: 'E0505', channel: 'sms', body } })).json().code).toBe('OUTREACH_TEMPLATE_EXISTS');
    expect((await t.as(admin, { method: 'POST', url: '/api/outreach/templates', payload: { categoryCode: 'E9999', channel: 'sms', body } })).json().fields[0].code).toBe('EVENT_CATEGORY_UNKNOWN');
    const created = await t.as(admin, { method: 'POST', url: '/api/outreach/templates', payload: { categoryCode: 'E0506', channel: 'sms', body: '您好，{party}：门前非机动车请于{deadline_minutes}分钟内摆放整齐。【{sign}】' } });
    expect(created.statusCode, created.body).toBe(201);
    const bicycles = () => templates(admin).then((c) => c.categories.find((x: { code: string }) => x.code === 'E0506'));
    expect((await bicycles()).templates).toHaveLength(1);
    expect((await t.as(admin, { method: 'DELETE', url: `/api/outreach/templates/${created.json().id}` })).statusCode).toBe(204);
    expect((await bicycles()).templates).toEqual([]);

    // Command-center staff read the templates but do not edit them.
    expect((await t.as(command, { method: 'PUT', url: `/api/outreach/templates/${parkingSms.id}`, payload: { body } })).statusCode).toBe(403);
  });

  it('sets a category policy and the settings, validated', async () => {
    const policy = await t.as(admin, { method: 'PUT', url: '/api/outreach/policies/E0511', payload: { graceMinutes: 45, channels: ['sms', 'voice'] } });
    expect(policy.statusCode, policy.body).toBe(200);
    expect((await templates(admin)).categories.find((c: { code: string }) => c.code === 'E0511')).toMatchObject({ graceMinutes: 45, channels: ['sms', 'voice'] });
    expect((await t.as(admin, { method: 'PUT', url: '/api/outreach/policies/E0511', payload: { graceMinutes: 0, channels: ['sms', 'sms'] } })).json().fields.map((f: { field: string }) => f.field).sort()).toEqual(['/channels', '/graceMinutes']);

    const settings = (await t.as(admin, { method: 'GET', url: '/api/outreach/settings' })).json();
    expect(settings).toMatchObject({ quietHours: { start: '21:00', end: '08:00', smsAllowed: false }, rateLimit: { maxMessages: 4, windowHours: 24 } });
    const bad = await t.as(admin, { method: 'PUT', url: '/api/outreach/settings', payload: { ...settings, quietHours: { start: '25:00', end: '08:00', smsAllowed: false } } });
    expect(bad.json().fields).toEqual([expect.objectContaining({ field: '/quietHours/start', code: 'pattern' })]);
    const good = await t.as(admin, { method: 'PUT', url: '/api/outreach/settings', payload: { ...settings, sign: '古林镇综合信息指挥室' } });
    expect(good.statusCode, good.body).toBe(200);
    expect((await loadSettings(t.app.db)).sign).toBe('古林镇综合信息指挥室');
  });

  it('takes signed delivery receipts from the webhook gateway', async () => {
    const cipher = cipherOf(t.app);
    await setOutreachSettings(t, admin, { quietHours: noQuietHours });
    const [queued] = await t.app.db.transaction().execute(async (trx) =>
      enqueueMessages(trx, cipher, await loadSettings(trx), [{ channel: 'sms', recipient: '13905741234', body: '您好', templateId: null, templateCode: null, params: {}, divisionCode: '33020310320101', eventId: null, reminderId: null }], Date.now()),
    );
    await new OutboxWorker({ db: t.app.db, cipher, delivery: deliveryConfigFromEnv({}) }).tick();
    const { idempotency_key: key } = await t.app.db.selectFrom('outreach_message').select('idempotency_key').where('id', '=', queued!.id).executeTakeFirstOrThrow();

    const receipt = (body: string, secret = receiptSecret, at = Date.now()) => {
      const timestamp = String(Math.floor(at / 1000));
      return t.app.inject({ method: 'POST', url: '/api/outreach/receipts/webhook', payload: body, headers: { 'content-type': 'application/json', 'x-gongzhi-timestamp': timestamp, 'x-gongzhi-signature': webhookSignature(secret, timestamp, body) } });
    };
    const body = JSON.stringify({ id: key, status: 'delivered' });
    expect((await receipt(body, 'forged')).statusCode).toBe(401);
    expect((await receipt(body, receiptSecret, Date.now() - 10 * 60_000)).statusCode).toBe(401);
    expect((await receipt('{"id": 1}')).statusCode).toBe(400);
    const accepted = await receipt(body);
    expect(accepted.statusCode, accepted.body).toBe(200);
    const row = await t.app.db.selectFrom('outreach_message').select(['status', 'delivered_at']).where('id', '=', queued!.id).executeTakeFirstOrThrow();
    expect(row.status).toBe('delivered');
    expect(row.delivered_at).toBeInstanceOf(Date);
    // A repeated receipt is acknowledged and changes nothing.
    expect((await receipt(JSON.stringify({ id: key, status: 'failed', reason: 'late' }))).statusCode).toBe(200);
    expect((await t.app.db.selectFrom('outreach_message').select('status').where('id', '=', queued!.id).executeTakeFirstOrThrow()).status).toBe('delivered');

    const log = (await t.as(command, { method: 'GET', url: '/api/outreach/messages?status=delivered' })).json();
    expect(log.items[0]).toMatchObject({ id: queued!.id, recipient: '139****1234', status: 'delivered', provider: 'outbox' });
    expect(JSON.stringify(log)).not.toContain('13905741234');
  });
});
