import net from 'node:net';
import mqtt from 'mqtt';
import type { Config } from '../../../config.ts';
import { redact } from './external-broker.ts';

/** What `gongzhi doctor` says about MQTT: the embedded broker's port free, or the external broker reachable. */
export async function probeMqtt(config: Config): Promise<string> {
  if (config.mqttUrl) {
    const url = redact(config.mqttUrl);
    try {
      const client = await mqtt.connectAsync(config.mqttUrl, { reconnectPeriod: 0, connectTimeout: 3_000 });
      await client.endAsync();
      return `external broker ${url} reachable`;
    } catch (error) {
      return `external broker ${url} NOT reachable (${(error as Error).message})`;
    }
  }
  const free = await new Promise<boolean>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(config.mqttPort, config.mqttHost, () => server.close(() => resolve(true)));
  });
  return free
    ? `embedded broker port ${config.mqttHost}:${config.mqttPort} free`
    : `embedded broker port ${config.mqttHost}:${config.mqttPort} IN USE (a running server, or another broker: set MQTT_PORT, or MQTT_URL to use that broker)`;
}
