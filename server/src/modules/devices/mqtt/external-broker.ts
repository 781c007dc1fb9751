import crypto from 'node:crypto';
import mqtt from 'mqtt';
import type { FastifyBaseLogger } from 'fastify';
import { AppError } from '../../../http/errors.ts';
import type { DeviceIntake } from '../ingest.ts';
import { externalSubscriptions, parseExternalTopic } from './topics.ts';
import type { MqttIntake, MqttTopicHandler } from './mqtt-intake.ts';

const connectTimeoutMs = 5_000;

/**
 * With MQTT_URL the platform is a client of an external broker (Mosquitto, EMQX): it subscribes to
 * the token-carrying topics (see topics.ts) and hands each message to the intake. It reconnects by
 * itself when the broker goes away; failing to reach it at start is a configuration error.
 */
export async function connectExternalBroker(intake: DeviceIntake, url: string, log: FastifyBaseLogger, handlers: readonly MqttTopicHandler[] = []): Promise<MqttIntake> {
  const client = mqtt.connect(url, { clientId: `gongzhi-${crypto.randomBytes(4).toString('hex')}`, clean: true, reconnectPeriod: 2_000, connectTimeout: connectTimeoutMs });
  try {
    await new Promise<void>((resolve, reject) => {
      const unreachable = () => reject(new AppError('MQTT_BROKER_UNREACHABLE', 500, { url: redact(url) }));
      const timer = setTimeout(unreachable, connectTimeoutMs);
      // Refused, unknown host, bad credentials: no point waiting for the timeout at start.
      client.once('error', () => {
        clearTimeout(timer);
        unreachable();
      });
      client.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await client.subscribeAsync([...externalSubscriptions, ...handlers.flatMap((h) => h.subscriptions)], { qos: 1 });
  } catch (error) {
    await client.endAsync(true);
    throw error;
  }
  client.on('message', (topic, payload) => {
    const handler = handlers.find((h) => h.owns(topic));
    if (handler) return handler.receive(topic, payload);
    const target = parseExternalTopic(topic);
    const device = target ? intake.deviceByToken(target.token) : undefined;
    if (!target || !device) return intake.countUnknownToken();
    intake.receive(device, target.kind, payload);
  });
  client.on('error', (error) => log.warn({ err: error }, 'external MQTT broker error'));
  client.on('reconnect', () => log.warn({ url: redact(url) }, 'reconnecting to the external MQTT broker'));
  return {
    mode: 'external',
    port: null,
    describe: `external MQTT broker ${redact(url)}`,
    async close() {
      await client.endAsync();
    },
  };
}

/** The URL without its password, for logs and messages. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}
