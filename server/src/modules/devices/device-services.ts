import type { FastifyInstance } from 'fastify';
import { startMqttIntake } from './mqtt/mqtt-intake.ts';
import { startDeviceScheduler } from './device-scheduler.ts';
import { startIotSimulator } from '../../demo/iot-simulator.ts';

/**
 * What a running server adds to the device API: MQTT intake (embedded broker or external), the
 * housekeeping scheduler, and with the demo the simulated sensors. Stopped in reverse order.
 */
export async function startDeviceServices(app: FastifyInstance, options: { demo: boolean }) {
  const mqtt = await startMqttIntake(app, app.deviceIntake);
  app.deviceIntake.transport = mqtt.describe;
  app.log.info(mqtt.describe);
  const scheduler = startDeviceScheduler(app);
  const simulator =
    options.demo && app.config.iotSimulator
      ? startIotSimulator(mqtt.mode === 'embedded' ? { kind: 'embedded', port: mqtt.port! } : { kind: 'external', url: app.config.mqttUrl! }, app.log)
      : null;
  return {
    mqtt,
    async stop() {
      await simulator?.stop();
      await scheduler.stop();
      await mqtt.close();
    },
  };
}
