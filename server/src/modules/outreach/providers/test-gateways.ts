import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * Local stand-ins for the SMS gateways, for tests. Each checks requests the way the real service does
 * (its own implementation of the signature, not the provider's) and answers in the real shapes.
 */
export interface FakeGateway {
  url: string;
  /** Every accepted request, in order. */
  received: Record<string, string>[];
  /** What the next requests get. */
  mode: 'ok' | 'busy' | 'reject' | 'hang';
  close(): Promise<void>;
}

async function listen(handler: (request: http.IncomingMessage, body: string, reply: (status: number, json: unknown) => void) => void): Promise<{ url: string; close(): Promise<void> }> {
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((request, response) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () =>
      handler(request, body, (status, json) => {
        if (status === 0) return void hanging.add(response);
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(json));
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What one Aliyun product requires of a request, and its answer's id (SendSms: BizId; SingleCallByTts: CallId). */
const aliyunActions = {
  SendSms: { required: ['PhoneNumbers', 'SignName', 'TemplateCode'], id: 'BizId', rejected: { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: '非法手机号' } },
  SingleCallByTts: { required: ['CalledNumber', 'TtsCode'], id: 'CallId', rejected: { Code: 'isv.TTS_TEMPLATE_ILLEGAL', Message: 'TTS模板未审核通过' } },
} as const;

/**
 * Dysmsapi (SendSms) or Dyvmsapi (SingleCallByTts) as documented: form parameters, RPC signature
 * checked with the secret of the key id, Timestamp within 15 minutes, a SignatureNonce used once.
 * Answers `{"Code": "OK", "BizId" | "CallId": …}` or an error Code: isv.BUSINESS_LIMIT_CONTROL (busy),
 * a permanent refusal (reject), SignatureDoesNotMatch.
 */
export async function fakeAliyun(keys: Record<string, string>, action: keyof typeof aliyunActions = 'SendSms'): Promise<FakeGateway> {
  const spec = aliyunActions[action];
  const nonces = new Set<string>();
  const gateway: FakeGateway = { url: '', received: [], mode: 'ok', close: async () => {} };
  // The encoding the documentation suggests building from a form encoder: + → %20, * → %2A, %7E → ~.
  const encode = (value: string) => new URLSearchParams({ v: value }).toString().slice(2).replace(/\+/g, '%20').replace(/\*/g, '%2A').replace(/%7E/g, '~');
  const requestId = () => crypto.randomUUID().toUpperCase();
  const server = await listen((request, body, reply) => {
    const params = Object.fromEntries(new URLSearchParams(body));
    const secret = keys[params.AccessKeyId ?? ''];
    if (request.method !== 'POST' || !secret) return reply(404, { Code: 'InvalidAccessKeyId.NotFound', Message: 'Specified access key is not found.', RequestId: requestId() });
    const canonical = Object.keys(params)
      .filter((k) => k !== 'Signature')
      .sort()
      .map((k) => `${encode(k)}=${encode(params[k]!)}`)
      .join('&');
    const toSign = `POST&${encode('/')}&${encode(canonical)}`;
    const expected = crypto.createHmac('sha1', `${secret}&`).update(toSign).digest('base64');
    if (params.Signature !== expected) {
      return reply(400, { Code: 'SignatureDoesNotMatch', Message: `Specified signature is not matched with our calculation. server string to sign is:${toSign}`, RequestId: requestId() });
    }
    if (Math.abs(Date.parse(params.Timestamp ?? '') - Date.now()) > 15 * 60_000) return reply(400, { Code: 'InvalidTimeStamp.Expired', Message: 'Specified time stamp or date value is expired.', RequestId: requestId() });
    if (nonces.has(params.SignatureNonce ?? '')) return reply(400, { Code: 'SignatureNonceUsed', Message: 'Specified signature nonce was used already.', RequestId: requestId() });
    nonces.add(params.SignatureNonce!);
    if (params.Action !== action || params.Version !== '2017-05-25' || params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0' || spec.required.some((name) => !params[name])) {
      return reply(400, { Code: 'MissingParameter', Message: 'A required parameter is missing.', RequestId: requestId() });
    }
    gateway.received.push(params);
    switch (gateway.mode) {
      case 'ok':
        return reply(200, { Code: 'OK', Message: 'OK', [spec.id]: `90061974693649844${gateway.received.length}^0`, RequestId: requestId() });
      case 'busy':
        return reply(200, { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发小时级流控Permits:5', RequestId: requestId() });
      case 'reject':
        return reply(200, { ...spec.rejected, RequestId: requestId() });
      case 'hang':
        return reply(0, null);
    }
  });
  return Object.assign(gateway, server);
}

/** The webhook receiver side: checks the HMAC signature and keeps one copy per Idempotency-Key. */
export async function fakeWebhook(secret: string): Promise<FakeGateway & { attempts: number; keys: string[] }> {
  const gateway = { url: '', received: [] as Record<string, string>[], mode: 'ok' as FakeGateway['mode'], attempts: 0, keys: [] as string[], close: async () => {} };
  const server = await listen((request, body, reply) => {
    const timestamp = String(request.headers['x-gongzhi-timestamp'] ?? '');
    const expected = `sha256=${crypto.createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
    if (request.headers['x-gongzhi-signature'] !== expected || Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return reply(401, { error: 'bad signature' });
    gateway.attempts++;
    const key = String(request.headers['idempotency-key']);
    gateway.keys.push(key);
    if (gateway.mode === 'hang') return reply(0, null);
    if (gateway.mode === 'busy') return reply(503, { error: 'busy' });
    if (gateway.mode === 'reject') return reply(422, { error: 'number not reachable' });
    const message = JSON.parse(body) as Record<string, string>;
    if (!gateway.received.some((m) => m.id === message.id)) gateway.received.push(message);
    return reply(202, { messageId: `wh-${message.id}` });
  });
  return Object.assign(gateway, server);
}
