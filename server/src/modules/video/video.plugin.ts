import fp from 'fastify-plugin';
import { VideoIntake } from './video-intake.ts';
import { frigateMqttHandler } from './frigate-mqtt.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** The video-AI intake: cameras, rules, tracked objects, events from detections. */
    videoIntake: VideoIntake;
  }
}

/** Starts the video-AI intake with the app and puts Frigate on the MQTT broker (started later by the server). */
export const videoPlugin = fp(async (app) => {
  const config = app.config;
  const intake = new VideoIntake(app, {
    snapshot: { timeoutMs: config.videoSnapshotTimeoutMs, maxBytes: config.videoSnapshotMaxBytes },
    dedupeWindowMs: config.videoDedupeWindowSeconds * 1000,
    staleMs: config.videoTrackStaleSeconds * 1000,
    recheckMs: config.videoRecheckIntervalSeconds * 1000,
    writeEveryMs: 15_000,
    evidenceConcurrency: 2,
    eventConcurrency: 2,
  });
  await intake.start();
  app.decorate('videoIntake', intake);
  app.mqttHandlers.push(frigateMqttHandler(intake, { prefix: config.videoFrigatePrefix, username: config.videoMqttUsername, password: config.videoMqttPassword }));
  app.addHook('onClose', () => intake.stop());
});
