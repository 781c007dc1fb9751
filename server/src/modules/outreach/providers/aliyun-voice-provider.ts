import type { OutreachProvider } from './provider.ts';
import { callAliyun, type AliyunAccount } from './aliyun-rpc.ts';

export interface AliyunVoiceOptions extends AliyunAccount {
  /**
   * The number the called party sees (被叫显号): a real number or service-instance id bought in the
   * voice console (专属模式). Null calls from Aliyun's public pool (公共模式), which needs public-mode
   * templates.
   */
  calledShowNumber: string | null;
  /** How often the text is read out in one call (1–3). */
  playTimes: number;
}

/**
 * Aliyun voice notifications (Dyvmsapi 2017-05-25, SingleCallByTts): one call reading an approved
 * text-to-speech template (TTS_…) with our values. Like SMS, only the template code and values go out;
 * the call is not idempotent (no answer → outcome_unknown, never a second call); OutId carries our key.
 * The answer's CallId is kept. Aliyun throttles calls per number (1 a minute, 5 an hour, 20 a day):
 * isv.BUSINESS_LIMIT_CONTROL is retried with backoff.
 */
export function aliyunVoiceProvider(options: AliyunVoiceOptions): OutreachProvider {
  return {
    name: 'aliyun',
    channels: ['voice'],
    idempotent: false,
    async send(message, signal) {
      if (!message.templateCode) return { outcome: 'failed', retryable: false, error: 'OUTREACH_TEMPLATE_CODE_MISSING: the template has no Aliyun template code (TTS_…)' };
      const params: Record<string, string> = {
        CalledNumber: message.to,
        OutId: message.idempotencyKey,
        PlayTimes: String(options.playTimes),
        TtsCode: message.templateCode,
        TtsParam: JSON.stringify(message.params),
        ...(options.calledShowNumber ? { CalledShowNumber: options.calledShowNumber } : {}),
      };
      return callAliyun(options, { action: 'SingleCallByTts', version: '2017-05-25', params, idField: 'CallId' }, signal);
    },
  };
}
