import fp from 'fastify-plugin';
import { DeviceIntake, defaultLimits } from './ingest.ts';
import type { MqttTopicHandler } from './mqtt/mqtt-intake.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The telemetry intake: devices by token, rules, alarm state, batched writes. */
    deviceIntake: DeviceIntake;
    /** Other modules' clients and topics on the MQTT intake's broker (video AI: Frigate). */
    mqttHandlers: MqttTopicHandler[];
  }
}

/** Starts the telemetry intake with the app (its cache loaded, its flush timer running) and stops it with the app. */
export const devicesPlugin = fp(async (app) => {
  const config = app.config;
  const intake = new DeviceIntake(app, {
    flushMs: config.iotFlushMs,
    maxBatchRows: 2_000,
    maxBufferedRows: 100_000,
    ratePerSecond: config.iotDeviceRate,
    burst: config.iotDeviceBurst,
    offlineFactor: config.iotOfflineFactor,
    defaultIntervalSeconds: config.iotDefaultIntervalSeconds,
    limits: defaultLimits,
  });
  await intake.start();
  app.decorate('deviceIntake', intake);
  app.decorate('mqttHandlers', []);
  app.addHook('onClose', () => intake.stop());
});
