import crypto from 'node:crypto';
import type { SendResult } from './provider.ts';
import { isAnswer, post, retryableStatus } from './http-post.ts';
import { redactError } from './provider.ts';
import { percentEncode, rpcSignature, rpcTimestamp } from './aliyun-signature.ts';

/** An Aliyun account's key pair and the endpoint of one product (Dysmsapi, Dyvmsapi). */
export interface AliyunAccount {
  accessKeyId: string;
  accessKeySecret: string;
  endpoint: string;
  regionId: string;
  now?: () => number;
}

/**
 * One RPC-style call (signature version 1.0) of the communication products, which answer alike:
 * `{"Code": "OK", …, "RequestId": "…"}` on success, otherwise another Code and a Message. The request is
 * a form-encoded POST, so the number stays out of URLs and proxy logs. `idField` names the answer's id
 * kept as the provider message id (BizId for SMS, CallId for calls).
 *
 * Flow control, throttling and system errors are retried; everything else (bad number, signature,
 * template, balance) fails at once. No answer is `unknown`: these products are not idempotent.
 */
export async function callAliyun(account: AliyunAccount, call: { action: string; version: string; params: Record<string, string>; idField: string }, signal: AbortSignal): Promise<SendResult> {
  const params: Record<string, string> = {
    ...call.params,
    AccessKeyId: account.accessKeyId,
    Action: call.action,
    Format: 'JSON',
    RegionId: account.regionId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureNonce: crypto.randomUUID(),
    SignatureVersion: '1.0',
    Timestamp: rpcTimestamp((account.now ?? Date.now)()),
    Version: call.version,
  };
  params.Signature = rpcSignature('POST', params, account.accessKeySecret);
  const body = Object.entries(params)
    .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
    .join('&');
  const answer = await post(account.endpoint, body, { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, signal);
  if (!isAnswer(answer)) return answer;
  const reply = parseReply(answer.body);
  const id = reply?.[call.idField];
  if (reply?.Code === 'OK') return { outcome: 'sent', providerMessageId: typeof id === 'string' ? id : null };
  const code = typeof reply?.Code === 'string' ? reply.Code : `HTTP ${answer.status}`;
  const text = typeof reply?.Message === 'string' ? reply.Message : answer.body;
  return { outcome: 'failed', retryable: retryableCode(code) || (!reply && retryableStatus(answer.status)), error: redactError(`${code}: ${firstSentence(text)}`) };
}

function parseReply(body: string): Record<string, unknown> | null {
  try {
    const value = JSON.parse(body) as unknown;
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Aliyun's busy signals: flow control (流控), throttling, system errors. */
function retryableCode(code: string): boolean {
  return code === 'isv.BUSINESS_LIMIT_CONTROL' || code === 'isp.SYSTEM_ERROR' || code.startsWith('Throttling') || code === 'ServiceUnavailable' || code === 'InternalError';
}

/** SignatureDoesNotMatch explains itself with the server's string to sign (key id, number): keep only the first sentence. */
const firstSentence = (text: string) => text.split(/(?<=[.。])\s|server string to sign/i)[0]!.trim();
