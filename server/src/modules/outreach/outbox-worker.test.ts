import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/test-app.ts';
import type { FieldCipher } from '../../privacy/field-cipher.ts';
import { configRepo } from '../events/config/config.repo.ts';
import { OutboxWorker } from './outbox-worker.ts';
import { enqueueMessages, type NewMessage } from './outbox.ts';
import { loadSettings, outreachSettingKey, type OutreachSettings } from './settings.ts';
import { outboxProvider } from './providers/outbox-provider.ts';
import { aliyunSmsProvider } from './providers/aliyun-sms-provider.ts';
import { webhookProvider } from './providers/webhook-provider.ts';
import type { DeliveryConfig } from './providers/provider-config.ts';
import type { OutreachProvider, SendResult } from './providers/provider.ts';
import { fakeAliyun, fakeWebhook, type FakeGateway } from './providers/test-gateways.ts';
import { cipherOf } from './test-support.ts';

/**
 * The delivery worker on a controllable clock: backoff, final failure, timeouts, quiet hours, rate
 * limits, opt-outs, and no message sent twice by concurrent workers or across a restart.
 */
const minute = 60_000;
/** 2026-11-26 10:00 in Asia/Shanghai. */
const morning = Date.parse('2026-11-26T02:00:00Z');

describe('outreach delivery worker', () => {
  let t: TestApp;
  let cipher: FieldCipher;
  let clock = morning;
  let aliyun: FakeGateway;
  let webhook: Awaited<ReturnType<typeof fakeWebhook>>;
  const phone = '13905741234';

  beforeAll(async () => {
    t = await createTestApp();
    cipher = cipherOf(t.app);
    aliyun = await fakeAliyun({ LTAI5tTestKeyId: 'aliyun-test-secret' });
    webhook = await fakeWebhook('webhook-shared-secret');
    await settings({ quietHours: { start: '21:00', end: '08:00', smsAllowed: false }, rateLimit: { maxMessages: 1000, windowHours: 24 } });
  });
  afterAll(async () => {
    await Promise.all([aliyun.close(), webhook.close()]);
    await t.close();
  });
  // Each test settles its own messages: whatever is left must not leak into the next one.
  afterEach(async () => {
    await t.app.db.updateTable('outreach_message').set({ status: 'failed', reason: 'test_cleanup' }).where('status', 'in', ['queued', 'sending']).execute();
    clock = morning;
  });

  async function settings(changes: Partial<OutreachSettings>) {
    await configRepo.putSetting(t.app.db, outreachSettingKey, { ...(await loadSettings(t.app.db)), ...changes });
  }

  function delivery(providers: Partial<DeliveryConfig['providers']>, overrides: Partial<DeliveryConfig> = {}): DeliveryConfig {
    return { providers: { sms: outboxProvider, voice: outboxProvider, ...providers }, retry: { maxAttempts: 4, baseDelayMs: 30_000, maxDelayMs: 3_600_000 }, sendTimeoutMs: 2000, pollMs: 60_000, ...overrides };
  }
  const worker = (config: DeliveryConfig) => new OutboxWorker({ db: t.app.db, cipher, delivery: config, now: () => clock });

  async function enqueue(messages: Partial<NewMessage>[], to = phone) {
    return t.app.db.transaction().execute(async (trx) =>
      enqueueMessages(
        trx,
        cipher,
        await loadSettings(trx),
        messages.map((m) => ({ channel: 'sms', recipient: to, body: '您好，请于30分钟内收回摊位。', templateId: null, templateCode: 'SMS_465360123', params: { deadline_minutes: '30' }, divisionCode: '33020310320101', eventId: null, reminderId: null, ...m })),
        clock,
      ),
    );
  }
  const row = (id: number) => t.app.db.selectFrom('outreach_message').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

  it('sends through the outbox provider: recorded as sent, with an audit record and nothing sent anywhere', async () => {
    const [queued] = await enqueue([{}]);
    expect(queued).toMatchObject({ status: 'queued', nextAttemptAt: new Date(clock) });
    expect(await worker(delivery({})).tick()).toBe(1);
    expect(await row(queued!.id)).toMatchObject({ status: 'sent', provider: 'outbox', attempts: 1, sent_at: new Date(clock), claim_token: null });
    const audit = await t.app.db.selectFrom('audit_log').select(['actor_type', 'actor_name', 'changes']).where('entity_type', '=', 'outreach_message').where('entity_id', '=', String(queued!.id)).executeTakeFirstOrThrow();
    expect(audit).toMatchObject({ actor_type: 'system', actor_name: 'outreach-worker' });
    expect(JSON.stringify(audit.changes)).not.toContain(phone);
  });

  it('retries Aliyun flow control with exponential backoff, then fails for good', async () => {
    aliyun.mode = 'busy';
    const before = aliyun.received.length;
    const [queued] = await enqueue([{}]);
    const sender = worker(delivery({ sms: aliyunSmsProvider({ accessKeyId: 'LTAI5tTestKeyId', accessKeySecret: 'aliyun-test-secret', signName: '古林镇人民政府', endpoint: aliyun.url, regionId: 'cn-hangzhou' }) }));
    const waits: number[] = [];
    for (let attempt = 1; attempt <= 3; attempt++) {
      await sender.tick();
      const message = await row(queued!.id);
      expect(message).toMatchObject({ status: 'queued', attempts: attempt, last_error: 'isv.BUSINESS_LIMIT_CONTROL: 触发小时级流控Permits:5' });
      waits.push(message.next_attempt_at.getTime() - clock);
      // Not due yet: nothing goes out.
      clock = message.next_attempt_at.getTime() - 1;
      await sender.tick();
      expect(aliyun.received.length - before).toBe(attempt);
      clock += 1;
    }
    expect(waits).toEqual([30_000, 60_000, 120_000]);
    await sender.tick();
    expect(await row(queued!.id)).toMatchObject({ status: 'failed', reason: 'max_attempts', attempts: 4 });
    expect(aliyun.received.length - before).toBe(4);
    // The same message each time: one OutId, a fresh signature nonce per request.
    const sent = aliyun.received.slice(before);
    expect(new Set(sent.map((r) => r.OutId)).size).toBe(1);
    expect(new Set(sent.map((r) => r.SignatureNonce)).size).toBe(4);
  });

  it('fails a number the gateway rejects at once', async () => {
    aliyun.mode = 'reject';
    const [queued] = await enqueue([{}]);
    await worker(delivery({ sms: aliyunSmsProvider({ accessKeyId: 'LTAI5tTestKeyId', accessKeySecret: 'aliyun-test-secret', signName: '古林镇人民政府', endpoint: aliyun.url, regionId: 'cn-hangzhou' }) })).tick();
    expect(await row(queued!.id)).toMatchObject({ status: 'failed', reason: 'permanent', attempts: 1, last_error: 'isv.MOBILE_NUMBER_ILLEGAL: 非法手机号' });
  });

  it('after a timeout, resends with the same key to the webhook (it deduplicates) but never to Aliyun (it does not)', async () => {
    webhook.mode = 'hang';
    const [viaWebhook] = await enqueue([{}]);
    const webhookWorker = worker(delivery({ sms: webhookProvider({ url: webhook.url, secret: 'webhook-shared-secret' }) }, { sendTimeoutMs: 300 }));
    await webhookWorker.tick();
    expect(await row(viaWebhook!.id)).toMatchObject({ status: 'queued', attempts: 1, last_error: 'timeout: no answer in time' });
    webhook.mode = 'ok';
    clock += 30_000;
    await webhookWorker.tick();
    expect(await row(viaWebhook!.id)).toMatchObject({ status: 'sent', attempts: 2, provider_message_id: `wh-${(await row(viaWebhook!.id)).idempotency_key}` });
    const key = (await row(viaWebhook!.id)).idempotency_key;
    expect(webhook.keys.filter((k) => k === key)).toHaveLength(2);
    expect(webhook.received.filter((m) => m.id === key)).toHaveLength(1);

    aliyun.mode = 'hang';
    const before = aliyun.received.length;
    const [viaAliyun] = await enqueue([{}]);
    const aliyunWorker = worker(delivery({ sms: aliyunSmsProvider({ accessKeyId: 'LTAI5tTestKeyId', accessKeySecret: 'aliyun-test-secret', signName: '古林镇人民政府', endpoint: aliyun.url, regionId: 'cn-hangzhou' }) }, { sendTimeoutMs: 300 }));
    await aliyunWorker.tick();
    expect(await row(viaAliyun!.id)).toMatchObject({ status: 'failed', reason: 'outcome_unknown', attempts: 1 });
    clock += 10 * minute;
    await aliyunWorker.tick();
    expect(aliyun.received.length - before).toBe(1);
  });

  it('gives up after the attempt limit when a deduplicating provider keeps timing out', async () => {
    webhook.mode = 'hang';
    const [queued] = await enqueue([{}]);
    const sender = worker(delivery({ sms: webhookProvider({ url: webhook.url, secret: 'webhook-shared-secret' }) }, { sendTimeoutMs: 300, retry: { maxAttempts: 2, baseDelayMs: 1000, maxDelayMs: 1000 } }));
    await sender.tick();
    clock += 1000;
    await sender.tick();
    expect(await row(queued!.id)).toMatchObject({ status: 'failed', reason: 'max_attempts', attempts: 2, last_error: 'timeout: no answer in time' });
  });

  /** A provider whose sends the test releases by hand, remembering every key it was given. */
  function heldProvider(name: string, idempotent: boolean) {
    const keys: string[] = [];
    const waiting: ((result: SendResult) => void)[] = [];
    const provider: OutreachProvider = {
      name,
      idempotent,
      channels: ['sms', 'voice'],
      send: (message) =>
        new Promise<SendResult>((resolve) => {
          keys.push(message.idempotencyKey);
          waiting.push(resolve);
        }),
    };
    const releaseAll = () => waiting.splice(0).forEach((resolve) => resolve({ outcome: 'sent', providerMessageId: null }));
    return { provider, keys, releaseAll };
  }

  it('never sends a message twice when two workers run at once', async () => {
    const sent: string[] = [];
    const counting: OutreachProvider = {
      name: 'counting',
      idempotent: true,
      channels: ['sms', 'voice'],
      async send(message) {
        sent.push(message.idempotencyKey);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 20));
        return { outcome: 'sent', providerMessageId: null };
      },
    };
    const queued = await enqueue(Array.from({ length: 25 }, () => ({})));
    const [a, b] = [worker(delivery({ sms: counting })), worker(delivery({ sms: counting }))];
    for (let round = 0; round < 3; round++) await Promise.all([a.tick(), b.tick()]);
    expect(sent).toHaveLength(25);
    expect(new Set(sent).size).toBe(25);
    const statuses = await t.app.db.selectFrom('outreach_message').select('status').where('id', 'in', queued.map((m) => m.id)).execute();
    expect(statuses.every((s) => s.status === 'sent')).toBe(true);
  });

  it('after a crash mid-send, a new worker takes the message back only once its lease ran out: same key if the provider deduplicates, never if not', async () => {
    for (const idempotent of [true, false]) {
      const held = heldProvider(idempotent ? 'held-dedup' : 'held-plain', idempotent);
      const [queued] = await enqueue([{}]);
      const crashed = worker(delivery({ sms: held.provider }));
      void crashed.tick(); // claims the message, then hangs in the provider: the process "dies" here
      await expect.poll(() => held.keys.length).toBe(1);
      expect((await row(queued!.id)).status).toBe('sending');

      // The restarted process: the claim still holds, so it sends nothing.
      const restarted = worker(delivery({ sms: held.provider }));
      await restarted.tick();
      expect(held.keys).toHaveLength(1);

      // Past the lease (send timeout + 30 s): the message is taken back.
      clock += 2000 + 31_000;
      const pass = restarted.tick();
      if (idempotent) {
        await expect.poll(() => held.keys.length).toBe(2);
        expect(held.keys[1]).toBe(held.keys[0]);
        held.releaseAll();
        await pass;
        expect(await row(queued!.id)).toMatchObject({ status: 'sent', attempts: 2 });
      } else {
        await pass;
        expect(held.keys).toHaveLength(1);
        expect(await row(queued!.id)).toMatchObject({ status: 'failed', reason: 'interrupted', attempts: 1 });
        held.releaseAll();
      }
      // The dead worker's late answer finds its claim gone and changes nothing.
      await crashed.tick();
      expect((await row(queued!.id)).status).toBe(idempotent ? 'sent' : 'failed');
      clock = morning;
    }
  });

  it('keeps voice calls, and SMS unless allowed, for after the quiet hours', async () => {
    clock = Date.parse('2026-11-26T14:30:00Z'); // 22:30 local
    const opening = Date.parse('2026-11-27T00:00:00Z'); // 08:00 local the next day
    const [sms, voice] = await enqueue([{ channel: 'sms' }, { channel: 'voice' }]);
    expect([sms!.nextAttemptAt.getTime(), voice!.nextAttemptAt.getTime()]).toEqual([opening, opening]);
    const sender = worker(delivery({}));
    clock = opening - minute;
    expect(await sender.tick()).toBe(0);

    await settings({ quietHours: { start: '21:00', end: '08:00', smsAllowed: true } });
    clock = Date.parse('2026-11-26T14:30:00Z');
    const [nightSms, nightVoice] = await enqueue([{ channel: 'sms' }, { channel: 'voice' }]);
    expect(nightSms!.nextAttemptAt.getTime()).toBe(clock);
    expect(nightVoice!.nextAttemptAt.getTime()).toBe(opening);
    await sender.tick();
    expect((await row(nightSms!.id)).status).toBe('sent');
    expect((await row(nightVoice!.id)).status).toBe('queued');
    await settings({ quietHours: { start: '21:00', end: '08:00', smsAllowed: false } });

    clock = opening;
    await sender.tick();
    expect(await Promise.all([sms, voice, nightVoice].map(async (m) => (await row(m!.id)).status))).toEqual(['sent', 'sent', 'sent']);
  });

  it('skips what exceeds the per-recipient rate limit, per number and window', async () => {
    await settings({ rateLimit: { maxMessages: 2, windowHours: 24 } });
    const number = '13588887777';
    const first = await enqueue([{}, { channel: 'voice' }, {}], number);
    expect(first.map((m) => [m.status, m.reason])).toEqual([
      ['queued', null],
      ['queued', null],
      ['skipped', 'rate_limited'],
    ]);
    expect((await enqueue([{}], '13588886666'))[0]!.status).toBe('queued');
    clock += 25 * 60 * minute;
    expect((await enqueue([{}], number))[0]!.status).toBe('queued');
    await settings({ rateLimit: { maxMessages: 1000, windowHours: 24 } });
  });

  it('sends nothing to a number that opted out, even when it opted out after the message was queued', async () => {
    const number = '13566665555';
    const [queued] = await enqueue([{}], number);
    await t.app.db.insertInto('outreach_opt_out').values({ phone_enc: cipher.encrypt(number), phone_idx: cipher.blindIndex('phone', number), phone_masked: '135****5555', division_code: '330203103' }).execute();
    const sent: string[] = [];
    const recording: OutreachProvider = { ...outboxProvider, name: 'recording', send: async (m) => (sent.push(m.to), { outcome: 'sent', providerMessageId: null }) };
    await worker(delivery({ sms: recording })).tick();
    expect(await row(queued!.id)).toMatchObject({ status: 'skipped', reason: 'opted_out' });
    expect(sent).toEqual([]);
    expect((await enqueue([{}], number))[0]).toMatchObject({ status: 'skipped', reason: 'opted_out' });
  });
});
