import type { FastifyInstance } from 'fastify';
import type { DeviceIntake } from '../ingest.ts';
import { startEmbeddedBroker } from './embedded-broker.ts';
import { connectExternalBroker } from './external-broker.ts';

/**
 * Another module's MQTT clients and topics on the same broker (video AI: Frigate's `frigate/events`).
 * Registered on `app.mqttHandlers` before the server starts its MQTT intake.
 */
export interface MqttTopicHandler {
  /** Topic filters to subscribe to on an external broker. */
  subscriptions: string[];
  /** Whether a client with these credentials is this handler's (embedded broker; checked before device tokens). */
  accepts(username: string | undefined, password: Buffer | undefined): boolean;
  /** Whether this handler's client may publish (and subscribe) on the topic. */
  owns(topic: string): boolean;
  /** A message on one of its topics. */
  receive(topic: string, payload: Buffer): void;
}

/** Where MQTT telemetry comes from: the embedded broker, or a subscription to an external one. */
export interface MqttIntake {
  mode: 'embedded' | 'external';
  /** The embedded broker's port (the one actually bound when 0 was asked). */
  port: number | null;
  describe: string;
  close(): Promise<void>;
}

/** MQTT_URL set: subscribe to that broker; otherwise embed one on MQTT_HOST:MQTT_PORT. */
export function startMqttIntake(app: FastifyInstance, intake: DeviceIntake, overrides: { port?: number; url?: string | null } = {}): Promise<MqttIntake> {
  const url = overrides.url === undefined ? app.config.mqttUrl : (overrides.url ?? undefined);
  if (url) return connectExternalBroker(intake, url, app.log, app.mqttHandlers);
  return startEmbeddedBroker(intake, { host: app.config.mqttHost, port: overrides.port ?? app.config.mqttPort }, app.mqttHandlers);
}
