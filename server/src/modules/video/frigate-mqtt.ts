import crypto from 'node:crypto';
import type { MqttTopicHandler } from '../devices/mqtt/mqtt-intake.ts';
import type { VideoIntake } from './video-intake.ts';
import { parseFrigateEvent } from './formats/frigate.ts';

/**
 * Frigate on the platform's MQTT broker. Embedded broker: Frigate connects with the configured
 * username and password (VIDEO_MQTT_USERNAME / VIDEO_MQTT_PASSWORD, Frigate's `mqtt.user` /
 * `mqtt.password`) and may publish and subscribe under its topic prefix only. External broker: the
 * platform subscribes to `<prefix>/events`. Only `<prefix>/events` is read; Frigate's other topics
 * (availability, counts, snapshots, stats) are accepted and ignored.
 */
export function frigateMqttHandler(intake: VideoIntake, options: { prefix: string; username: string; password: string | undefined }): MqttTopicHandler {
  const eventsTopic = `${options.prefix}/events`;
  const password = options.password ? Buffer.from(options.password) : undefined;
  return {
    subscriptions: [eventsTopic],
    accepts(username, given) {
      if (!password || username !== options.username || !given || given.length !== password.length) return false;
      return crypto.timingSafeEqual(given, password);
    },
    owns: (topic) => topic === options.prefix || topic.startsWith(`${options.prefix}/`),
    receive(topic, payload) {
      if (topic !== eventsTopic) return;
      const parsed = parseFrigateEvent(payload);
      if (!parsed.ok) intake.refuse(parsed.refusal, { source: 'frigate' });
      else if (parsed.detections.length) intake.receive(parsed.detections, { source: 'frigate' });
    },
  };
}
