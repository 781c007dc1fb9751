import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalizedQuery, rpcSignature, stringToSign } from './aliyun-signature.ts';
import { aliyunSmsProvider } from './aliyun-sms-provider.ts';
import { aliyunVoiceProvider } from './aliyun-voice-provider.ts';
import { verifyWebhookSignature, webhookProvider, webhookSignature } from './webhook-provider.ts';
import { outboxProvider } from './outbox-provider.ts';
import { deliveryConfigFromEnv } from './provider-config.ts';
import type { OutgoingMessage } from './provider.ts';
import { fakeAliyun, fakeWebhook, type FakeGateway } from './test-gateways.ts';

const message: OutgoingMessage = {
  idempotencyKey: 'gz-6f1c2d0e-1111-4222-8333-944455556666',
  channel: 'sms',
  to: '13905741234',
  text: '您好，古林王记便利店：11月26日 14:05在布政路12号发现占道摆摊经营，请于30分钟内收回摊位。',
  templateCode: 'SMS_465360123',
  params: { party: '古林王记便利店', time: '11月26日 14:05', place: '布政路12号', deadline_minutes: '30' },
};
const soon = () => AbortSignal.timeout(2000);

describe('Aliyun RPC signature', () => {
  it('reproduces the published example (testid / testsecret, DescribeRegions)', () => {
    const params = {
      TimeStamp: '2016-02-23T12:46:24Z',
      Format: 'XML',
      AccessKeyId: 'testid',
      Action: 'DescribeRegions',
      SignatureMethod: 'HMAC-SHA1',
      SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
      Version: '2014-05-26',
      SignatureVersion: '1.0',
    };
    expect(stringToSign('GET', params)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26TimeStamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
    expect(rpcSignature('GET', params, 'testsecret')).toBe('CT9X0VtwR86fNWSnsc6v8YGOjuE=');
  });

  it('encodes as RFC 3986: spaces as %20, * ( ) ! \' encoded, ~ kept, UTF-8 for Chinese', () => {
    expect(canonicalizedQuery({ b: "a b*(c)!'~", a: '浙' })).toBe("a=%E6%B5%99&b=a%20b%2A%28c%29%21%27~");
  });
});

describe('Aliyun SMS provider against a local Dysmsapi', () => {
  let gateway: FakeGateway;
  const provider = (secret = 'aliyun-test-secret') =>
    aliyunSmsProvider({ accessKeyId: 'LTAI5tTestKeyId', accessKeySecret: secret, signName: '古林镇人民政府', endpoint: gateway.url, regionId: 'cn-hangzhou' });

  beforeAll(async () => {
    gateway = await fakeAliyun({ LTAI5tTestKeyId: 'aliyun-test-secret' });
  });
  afterAll(() => gateway.close());

  it('sends a signed SendSms and keeps the BizId', async () => {
    gateway.mode = 'ok';
    const result = await provider().send(message, soon());
    expect(result).toEqual({ outcome: 'sent', providerMessageId: expect.stringMatching(/\^0$/) });
    expect(gateway.received.at(-1)).toMatchObject({
      Action: 'SendSms',
      PhoneNumbers: '13905741234',
      SignName: '古林镇人民政府',
      TemplateCode: 'SMS_465360123',
      OutId: message.idempotencyKey,
      RegionId: 'cn-hangzhou',
      Format: 'JSON',
    });
    expect(JSON.parse(gateway.received.at(-1)!.TemplateParam!)).toEqual(message.params);
  });

  it('retries flow control, fails bad numbers at once, and never resends a request that got no answer', async () => {
    gateway.mode = 'busy';
    expect(await provider().send(message, soon())).toEqual({ outcome: 'failed', retryable: true, error: 'isv.BUSINESS_LIMIT_CONTROL: 触发小时级流控Permits:5' });
    gateway.mode = 'reject';
    expect(await provider().send(message, soon())).toEqual({ outcome: 'failed', retryable: false, error: 'isv.MOBILE_NUMBER_ILLEGAL: 非法手机号' });
    gateway.mode = 'hang';
    expect(await provider().send(message, AbortSignal.timeout(300))).toEqual({ outcome: 'unknown', error: expect.stringContaining('timeout') });
    expect(provider().idempotent).toBe(false);
  });

  it('is refused by the gateway with a wrong secret, and keeps the number and the string to sign out of the error', async () => {
    gateway.mode = 'ok';
    const result = await provider('wrong-secret').send(message, soon());
    expect(result).toEqual({ outcome: 'failed', retryable: false, error: 'SignatureDoesNotMatch: Specified signature is not matched with our calculation.' });
    expect(JSON.stringify(result)).not.toContain('13905741234');
  });

  it('needs an approved template code', async () => {
    expect(await provider().send({ ...message, templateCode: null }, soon())).toMatchObject({ outcome: 'failed', retryable: false, error: expect.stringContaining('OUTREACH_TEMPLATE_CODE_MISSING') });
  });
});

describe('Aliyun voice provider against a local Dyvmsapi', () => {
  let gateway: FakeGateway;
  const call: OutgoingMessage = { ...message, channel: 'voice', templateCode: 'TTS_287310042' };
  const provider = (options: { secret?: string; show?: string | null } = {}) =>
    aliyunVoiceProvider({ accessKeyId: 'LTAI5tTestKeyId', accessKeySecret: options.secret ?? 'aliyun-test-secret', endpoint: gateway.url, regionId: 'cn-hangzhou', calledShowNumber: options.show === undefined ? '057487001234' : options.show, playTimes: 2 });

  beforeAll(async () => {
    gateway = await fakeAliyun({ LTAI5tTestKeyId: 'aliyun-test-secret' }, 'SingleCallByTts');
  });
  afterAll(() => gateway.close());

  it('places a signed SingleCallByTts with the TTS template and its values, and keeps the CallId', async () => {
    gateway.mode = 'ok';
    expect(await provider().send(call, soon())).toEqual({ outcome: 'sent', providerMessageId: expect.stringMatching(/\^0$/) });
    const request = gateway.received.at(-1)!;
    expect(request).toMatchObject({ Action: 'SingleCallByTts', Version: '2017-05-25', CalledNumber: '13905741234', CalledShowNumber: '057487001234', TtsCode: 'TTS_287310042', PlayTimes: '2', OutId: call.idempotencyKey });
    expect(JSON.parse(request.TtsParam!)).toEqual(call.params);
    // Public mode (公共模式): no display number is sent at all.
    await provider({ show: null }).send(call, soon());
    expect(gateway.received.at(-1)).not.toHaveProperty('CalledShowNumber');
  });

  it('retries flow control, fails refusals and bad signatures at once, never calls twice without an answer', async () => {
    gateway.mode = 'busy';
    expect(await provider().send(call, soon())).toEqual({ outcome: 'failed', retryable: true, error: 'isv.BUSINESS_LIMIT_CONTROL: 触发小时级流控Permits:5' });
    gateway.mode = 'reject';
    expect(await provider().send(call, soon())).toEqual({ outcome: 'failed', retryable: false, error: 'isv.TTS_TEMPLATE_ILLEGAL: TTS模板未审核通过' });
    gateway.mode = 'ok';
    expect(await provider({ secret: 'wrong-secret' }).send(call, soon())).toMatchObject({ outcome: 'failed', retryable: false, error: expect.stringMatching(/^SignatureDoesNotMatch/) });
    gateway.mode = 'hang';
    expect(await provider().send(call, AbortSignal.timeout(300))).toEqual({ outcome: 'unknown', error: expect.stringContaining('timeout') });
    expect(provider().idempotent).toBe(false);
    expect(await provider().send({ ...call, templateCode: null }, soon())).toMatchObject({ outcome: 'failed', retryable: false, error: expect.stringContaining('TTS_') });
  });
});

describe('webhook provider', () => {
  const secret = 'webhook-shared-secret';
  let gateway: Awaited<ReturnType<typeof fakeWebhook>>;
  beforeAll(async () => {
    gateway = await fakeWebhook(secret);
  });
  afterAll(() => gateway.close());

  it('posts signed JSON with the idempotency key, and keeps the receiver’s message id', async () => {
    gateway.mode = 'ok';
    const result = await webhookProvider({ url: gateway.url, secret }).send(message, soon());
    expect(result).toEqual({ outcome: 'sent', providerMessageId: `wh-${message.idempotencyKey}` });
    expect(gateway.received.at(-1)).toEqual({ id: message.idempotencyKey, channel: 'sms', to: message.to, text: message.text, templateCode: message.templateCode, params: message.params });
    expect(gateway.keys.at(-1)).toBe(message.idempotencyKey);
  });

  it('is rejected by the receiver when signed with another secret', async () => {
    expect(await webhookProvider({ url: gateway.url, secret: 'other' }).send(message, soon())).toEqual({ outcome: 'failed', retryable: false, error: 'HTTP 401 {"error":"bad signature"}' });
  });

  it('retries 5xx, fails 4xx, and reports no answer as unknown (safe to resend: the receiver deduplicates)', async () => {
    const provider = webhookProvider({ url: gateway.url, secret });
    gateway.mode = 'busy';
    expect(await provider.send(message, soon())).toMatchObject({ outcome: 'failed', retryable: true });
    gateway.mode = 'reject';
    expect(await provider.send(message, soon())).toMatchObject({ outcome: 'failed', retryable: false });
    gateway.mode = 'hang';
    expect(await provider.send(message, AbortSignal.timeout(300))).toMatchObject({ outcome: 'unknown' });
    expect(provider.idempotent).toBe(true);
    // Nobody listens: the request never left, so it may be tried again whatever the provider.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    expect(await webhookProvider({ url: `http://127.0.0.1:${port}/`, secret }).send(message, soon())).toMatchObject({ outcome: 'failed', retryable: true, error: 'connection failed (ECONNREFUSED)' });
  });

  it('verifies signatures: genuine and fresh only', () => {
    const now = Date.parse('2026-11-26T06:00:00Z');
    const timestamp = String(now / 1000);
    const body = '{"id":"gz-1","status":"delivered"}';
    const signature = webhookSignature(secret, timestamp, body);
    expect(verifyWebhookSignature(secret, timestamp, signature, body, now)).toBe(true);
    expect(verifyWebhookSignature(secret, timestamp, signature, body.replace('delivered', 'failed'), now)).toBe(false);
    expect(verifyWebhookSignature(secret, timestamp, signature, body, now + 301_000)).toBe(false);
    expect(verifyWebhookSignature(secret, undefined, signature, body, now)).toBe(false);
  });
});

describe('provider configuration', () => {
  it('selects Aliyun for voice calls (no SMS signature needed) and for SMS independently', () => {
    const config = deliveryConfigFromEnv({ OUTREACH_VOICE_PROVIDER: 'aliyun', OUTREACH_ALIYUN_ACCESS_KEY_ID: 'id', OUTREACH_ALIYUN_ACCESS_KEY_SECRET: 'secret' });
    expect([config.providers.sms.name, config.providers.voice.name, config.providers.voice.channels]).toEqual(['outbox', 'aliyun', ['voice']]);
  });

  it('records everything and sends nothing by default', async () => {
    const config = deliveryConfigFromEnv({});
    expect([config.providers.sms.name, config.providers.voice.name]).toEqual(['outbox', 'outbox']);
    expect(await outboxProvider.send(message, soon())).toEqual({ outcome: 'sent', providerMessageId: null });
  });

  it('says which setting is missing, without echoing secrets', () => {
    expect(() => deliveryConfigFromEnv({ OUTREACH_SMS_PROVIDER: 'aliyun', OUTREACH_ALIYUN_ACCESS_KEY_ID: 'id' })).toThrow('OUTREACH_ALIYUN_ACCESS_KEY_SECRET must be set when OUTREACH_SMS_PROVIDER=aliyun');
    expect(() => deliveryConfigFromEnv({ OUTREACH_VOICE_PROVIDER: 'aliyun' })).toThrow('OUTREACH_ALIYUN_ACCESS_KEY_ID must be set when OUTREACH_VOICE_PROVIDER=aliyun');
    expect(() => deliveryConfigFromEnv({ OUTREACH_VOICE_PROVIDER: 'aliyun', OUTREACH_ALIYUN_ACCESS_KEY_ID: 'id', OUTREACH_ALIYUN_ACCESS_KEY_SECRET: 's', OUTREACH_ALIYUN_VOICE_PLAY_TIMES: '4' })).toThrow('1, 2 or 3');
    expect(() => deliveryConfigFromEnv({ OUTREACH_SMS_PROVIDER: 'twilio' })).toThrow('must be outbox, webhook or aliyun');
    expect(() => deliveryConfigFromEnv({ OUTREACH_MAX_ATTEMPTS: '0' })).toThrow('positive integer');
  });
});
