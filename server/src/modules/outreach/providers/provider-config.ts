import type { Channel } from '../outreach.tables.ts';
import type { RetryPolicy } from '../delivery-rules.ts';
import type { OutreachProvider } from './provider.ts';
import { outboxProvider } from './outbox-provider.ts';
import { webhookProvider } from './webhook-provider.ts';
import { aliyunSmsProvider } from './aliyun-sms-provider.ts';
import { aliyunVoiceProvider } from './aliyun-voice-provider.ts';

/**
 * Which provider sends each channel, and how the worker treats failures, from the environment (see
 * README "Outreach"). Secrets stay inside the provider objects: nothing here is logged or audited.
 */
export interface DeliveryConfig {
  providers: Record<Channel, OutreachProvider>;
  retry: RetryPolicy;
  /** One provider call may take this long; then it counts as unanswered. */
  sendTimeoutMs: number;
  /** How often the worker looks for due messages. */
  pollMs: number;
}

type Env = Record<string, string | undefined>;

function required(env: Env, name: string, why: string): string {
  const value = env[name];
  if (!value) throw new Error(`${name} must be set when ${why}`);
  return value;
}

function positiveInt(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function providerFor(channel: Channel, env: Env): OutreachProvider {
  const variable = channel === 'sms' ? 'OUTREACH_SMS_PROVIDER' : 'OUTREACH_VOICE_PROVIDER';
  const name = env[variable] || 'outbox';
  switch (name) {
    case 'outbox':
      return outboxProvider;
    case 'webhook':
      return webhookProvider({
        url: required(env, 'OUTREACH_WEBHOOK_URL', `${variable}=webhook`),
        secret: required(env, 'OUTREACH_WEBHOOK_SECRET', `${variable}=webhook`),
      });
    case 'aliyun': {
      const account = {
        accessKeyId: required(env, 'OUTREACH_ALIYUN_ACCESS_KEY_ID', `${variable}=aliyun`),
        accessKeySecret: required(env, 'OUTREACH_ALIYUN_ACCESS_KEY_SECRET', `${variable}=aliyun`),
        regionId: env.OUTREACH_ALIYUN_REGION || 'cn-hangzhou',
      };
      if (channel === 'sms') {
        return aliyunSmsProvider({ ...account, signName: required(env, 'OUTREACH_ALIYUN_SIGN_NAME', `${variable}=aliyun`), endpoint: env.OUTREACH_ALIYUN_ENDPOINT || 'https://dysmsapi.aliyuncs.com/' });
      }
      const playTimes = positiveInt(env, 'OUTREACH_ALIYUN_VOICE_PLAY_TIMES', 2);
      if (playTimes > 3) throw new Error(`OUTREACH_ALIYUN_VOICE_PLAY_TIMES must be 1, 2 or 3, got "${playTimes}"`);
      return aliyunVoiceProvider({
        ...account,
        endpoint: env.OUTREACH_ALIYUN_VOICE_ENDPOINT || 'https://dyvmsapi.aliyuncs.com/',
        calledShowNumber: env.OUTREACH_ALIYUN_VOICE_SHOW_NUMBER || null,
        playTimes,
      });
    }
    default:
      throw new Error(`${variable} must be outbox, webhook or aliyun, got "${name}"`);
  }
}

export function deliveryConfigFromEnv(env: Env = process.env): DeliveryConfig {
  return {
    providers: { sms: providerFor('sms', env), voice: providerFor('voice', env) },
    retry: {
      maxAttempts: positiveInt(env, 'OUTREACH_MAX_ATTEMPTS', 5),
      baseDelayMs: positiveInt(env, 'OUTREACH_RETRY_BASE_SECONDS', 30) * 1000,
      maxDelayMs: 3_600_000,
    },
    sendTimeoutMs: positiveInt(env, 'OUTREACH_SEND_TIMEOUT_MS', 10_000),
    pollMs: positiveInt(env, 'OUTREACH_POLL_MS', 5_000),
  };
}

/** The secret that signs delivery receipts from the webhook gateway: the one that signs our requests to it. */
export function receiptSecretFromEnv(env: Env = process.env): string | null {
  return env.OUTREACH_WEBHOOK_SECRET || null;
}
