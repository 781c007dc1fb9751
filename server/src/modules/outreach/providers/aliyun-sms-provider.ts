import crypto from 'node:crypto';
import type { OutreachProvider } from './provider.ts';
import { isAnswer, post, retryableStatus } from './http-post.ts';
import { redactError } from './provider.ts';
import { percentEncode, rpcSignature, rpcTimestamp } from './aliyun-signature.ts';

export interface AliyunSmsOptions {
  accessKeyId: string;
  accessKeySecret: string;
  /** The approved SMS signature (短信签名), e.g. 古林镇人民政府. */
  signName: string;
  /** https://dysmsapi.aliyuncs.com/ unless a regional endpoint is wanted. */
  endpoint: string;
  regionId: string;
  now?: () => number;
}

/**
 * Aliyun SMS (Dysmsapi 2017-05-25, SendSms) with the RPC signature. Aliyun sends only approved
 * templates: the template's provider code (SMS_…) and its values go out, not our rendered text.
 *
 * The request is a form-encoded POST (the number stays out of URLs and proxy logs). The answer is JSON:
 * `{"Code": "OK", "BizId": "…", "RequestId": "…"}` on success, otherwise another Code. Flow control,
 * throttling and system errors are retried; everything else (bad number, signature, template, balance)
 * fails at once. Aliyun documents SendSms as not idempotent, so a request that got no answer is never
 * sent again: it fails as outcome_unknown for a person to check (OutId carries our key for receipts).
 */
export function aliyunSmsProvider(options: AliyunSmsOptions): OutreachProvider {
  const now = options.now ?? Date.now;
  return {
    name: 'aliyun',
    channels: ['sms'],
    idempotent: false,
    async send(message, signal) {
      if (!message.templateCode) return { outcome: 'failed', retryable: false, error: 'OUTREACH_TEMPLATE_CODE_MISSING: the template has no Aliyun template code (SMS_…)' };
      const params: Record<string, string> = {
        AccessKeyId: options.accessKeyId,
        Action: 'SendSms',
        Format: 'JSON',
        OutId: message.idempotencyKey,
        PhoneNumbers: message.to,
        RegionId: options.regionId,
        SignName: options.signName,
        SignatureMethod: 'HMAC-SHA1',
        SignatureNonce: crypto.randomUUID(),
        SignatureVersion: '1.0',
        TemplateCode: message.templateCode,
        TemplateParam: JSON.stringify(message.params),
        Timestamp: rpcTimestamp(now()),
        Version: '2017-05-25',
      };
      params.Signature = rpcSignature('POST', params, options.accessKeySecret);
      const body = Object.entries(params)
        .map(([name, value]) => `${percentEncode(name)}=${percentEncode(value)}`)
        .join('&');
      const answer = await post(options.endpoint, body, { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, signal);
      if (!isAnswer(answer)) return answer;
      const reply = parseReply(answer.body);
      if (reply?.Code === 'OK') return { outcome: 'sent', providerMessageId: typeof reply.BizId === 'string' ? reply.BizId : null };
      const code = typeof reply?.Code === 'string' ? reply.Code : `HTTP ${answer.status}`;
      const text = typeof reply?.Message === 'string' ? reply.Message : answer.body;
      return { outcome: 'failed', retryable: retryableCode(code) || (!reply && retryableStatus(answer.status)), error: redactError(`${code}: ${firstSentence(text)}`) };
    },
  };
}

function parseReply(body: string): { Code?: unknown; Message?: unknown; BizId?: unknown } | null {
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
