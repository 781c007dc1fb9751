import type { FastifyInstance } from 'fastify';
import type { MqttIntake } from '../devices/mqtt/mqtt-intake.ts';
import { startFrigateSimulator } from '../../demo/frigate-simulator.ts';
import { startDetectorScheduler } from './detector/detector-scheduler.ts';
import { videoRepo } from './video.repo.ts';

const refusalRetentionMs = 30 * 86_400_000;

/**
 * What a running server adds to the video API: the built-in detector's schedule (cameras that enable
 * it), housekeeping, and with the demo the simulated Frigate on the MQTT intake's broker.
 */
export async function startVideoServices(app: FastifyInstance, options: { demo: boolean; mqtt: MqttIntake }) {
  const detector = app.config.videoDetectorThreads > 0 ? startDetectorScheduler(app) : null;
  const purge = setInterval(() => void videoRepo.purge(app.db, new Date(Date.now() - refusalRetentionMs)).catch((error: unknown) => app.log.error({ err: error }, 'video refusal purge failed')), 3_600_000);
  purge.unref();
  const config = app.config;
  const simulator =
    options.demo && config.videoSimulator
      ? await startFrigateSimulator(
          app,
          options.mqtt.mode === 'embedded' ? { kind: 'embedded', port: options.mqtt.port!, username: config.videoMqttUsername, password: config.videoMqttPassword ?? '' } : { kind: 'external', url: config.mqttUrl! },
          config.videoFrigatePrefix,
        )
      : null;
  return {
    async stop() {
      clearInterval(purge);
      await simulator?.stop();
      await detector?.stop();
    },
  };
}
