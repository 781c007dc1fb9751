import type { OutreachProvider } from './provider.ts';
import { callAliyun, type AliyunAccount } from './aliyun-rpc.ts';

export interface AliyunSmsOptions extends AliyunAccount {
  /** The approved SMS signature (短信签名), e.g. 古林镇人民政府. */
  signName: string;
}

/**
 * Aliyun SMS (Dysmsapi 2017-05-25, SendSms). Aliyun sends only approved templates: the template's
 * provider code (SMS_…) and its values go out, not our rendered text. Aliyun documents SendSms as not
 * idempotent, so a request that got no answer is never sent again: it fails as outcome_unknown for a
 * person to check (OutId carries our key for receipts). The answer's BizId is kept.
 */
export function aliyunSmsProvider(options: AliyunSmsOptions): OutreachProvider {
  return {
    name: 'aliyun',
    channels: ['sms'],
    idempotent: false,
    async send(message, signal) {
      if (!message.templateCode) return { outcome: 'failed', retryable: false, error: 'OUTREACH_TEMPLATE_CODE_MISSING: the template has no Aliyun template code (SMS_…)' };
      const params = { OutId: message.idempotencyKey, PhoneNumbers: message.to, SignName: options.signName, TemplateCode: message.templateCode, TemplateParam: JSON.stringify(message.params) };
      return callAliyun(options, { action: 'SendSms', version: '2017-05-25', params, idField: 'BizId' }, signal);
    },
  };
}
