import net from 'node:net';
import { Aedes, type AuthenticateError, type Client } from 'aedes';
import { AppError } from '../../../http/errors.ts';
import type { DeviceIntake } from '../ingest.ts';
import { deviceTelemetryTopic, gatewayTelemetryTopic } from './topics.ts';
import type { MqttIntake, MqttTopicHandler } from './mqtt-intake.ts';

/** MQTT 3.1.1 CONNACK codes (ThingsBoard: 4 for an empty username, 5 for an unknown token). */
const badUsername = 4;
const notAuthorized = 5;

function refusal(returnCode: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode });
}

/**
 * The embedded broker (aedes over node:net): devices connect with their access token as username and
 * publish telemetry; nobody may subscribe (the `me` topics are shared by every device, so a subscriber
 * would read everyone's telemetry). Messages go straight to the intake and are not retained.
 * Clients of other modules (`handlers`, e.g. Frigate) are recognised by their credentials first and
 * may use only their own topics.
 */
export async function startEmbeddedBroker(intake: DeviceIntake, options: { host: string; port: number }, handlers: readonly MqttTopicHandler[] = []): Promise<MqttIntake> {
  const connected = new WeakMap<Client, { deviceId: number; tokenHash: string }>();
  const handlerOf = new WeakMap<Client, MqttTopicHandler>();
  const broker = await Aedes.createBroker({
    authenticate(client, username, password, done) {
      const handler = handlers.find((h) => h.accepts(username, password));
      if (handler) {
        handlerOf.set(client, handler);
        return done(null, true);
      }
      if (!username) return done(refusal(badUsername, 'access token (MQTT username) required'), false);
      const device = intake.deviceByToken(username);
      if (!device?.tokenHash) return done(refusal(notAuthorized, 'unknown access token'), false);
      connected.set(client, { deviceId: device.id, tokenHash: device.tokenHash });
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      const handler = client ? handlerOf.get(client) : undefined;
      if (handler) {
        if (!handler.owns(packet.topic)) return done(new Error(`topic ${packet.topic} not allowed`));
        handler.receive(packet.topic, packet.payload as Buffer);
        return done(null);
      }
      const who = client ? connected.get(client) : undefined;
      const device = who ? intake.deviceById(who.deviceId) : undefined;
      // A token rotated or withdrawn while connected ends the connection.
      if (!who || !device || device.tokenHash !== who.tokenHash) return done(new Error('access token no longer valid'));
      packet.retain = false;
      if (packet.topic === deviceTelemetryTopic) intake.receive(device, 'device', packet.payload as Buffer);
      else if (packet.topic === gatewayTelemetryTopic) intake.receive(device, 'gateway', packet.payload as Buffer);
      done(null);
    },
    authorizeSubscribe(client, subscription, done) {
      const handler = client ? handlerOf.get(client) : undefined;
      done(null, handler?.owns(subscription.topic) ? subscription : null);
    },
  });
  const server = net.createServer(broker.handle);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port, options.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    broker.close();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new AppError('MQTT_PORT_IN_USE', 500, { port: options.port, host: options.host });
    throw error;
  }
  const port = (server.address() as net.AddressInfo).port;
  return {
    mode: 'embedded',
    port,
    describe: `embedded MQTT broker on ${options.host}:${port}`,
    async close() {
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
