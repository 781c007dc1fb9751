import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { createTestApp, type Session, type TestApp } from '../../../test/test-app.ts';
import { orgId } from '../../../test/event-fixtures.ts';
import { startMqttIntake, type MqttIntake } from './mqtt/mqtt-intake.ts';
import { externalTopic } from './mqtt/topics.ts';
import { demoGateway, demoSensors } from '../../demo/demo-iot.ts';
import { alarmsOf, newSensor } from './test-support.ts';

/**
 * End to end over real MQTT: the embedded broker (ThingsBoard device and gateway API, tokens checked
 * at connect) and the Mosquitto server on 127.0.0.1:1883 (MQTT_URL mode, token topics). Each sees a
 * breach become an alarm and an automatically dispatched event.
 */
const mosquittoUrl = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883';

async function until<T>(probe: () => Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Connects and resolves, or rejects with the CONNACK refusal code. */
function connect(port: number, username?: string) {
  return new Promise<mqtt.MqttClient>((resolve, reject) => {
    const client = mqtt.connect({ host: '127.0.0.1', port, username, reconnectPeriod: 0, connectTimeout: 5_000 });
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
  });
}

describe('MQTT intake', () => {
  let t: TestApp;
  let admin: Session;
  beforeAll(async () => {
    t = await createTestApp();
    admin = await t.login('admin');
  });
  afterAll(() => t.close());

  /** The dispatched event of a device's first alarm, once the intake has written it. */
  const dispatchedEventOf = (deviceId: number) =>
    until(async () => {
      await t.app.deviceIntake.settled();
      const [alarm] = await alarmsOf(t, deviceId);
      if (!alarm?.event_id) return undefined;
      return t.app.db.selectFrom('event').select(['id', 'source', 'category_code', 'state', 'handling_unit_id']).where('id', '=', alarm.event_id).executeTakeFirstOrThrow();
    });

  describe('embedded broker', () => {
    let broker: MqttIntake;
    beforeAll(async () => {
      broker = await startMqttIntake(t.app, t.app.deviceIntake, { port: 0, url: null });
    });
    afterAll(() => broker.close());

    it('refuses unknown and missing tokens at connect (CONNACK 5 and 4)', async () => {
      await expect(connect(broker.port!, 'not-a-device-token')).rejects.toMatchObject({ code: 5 });
      await expect(connect(broker.port!)).rejects.toMatchObject({ code: 4 });
    });

    it('takes ThingsBoard device telemetry: a gas breach becomes an alarm and a dispatched event; subscriptions are refused', async () => {
      const gas = demoSensors.find((s) => s.kind === 'combustible_gas')!;
      const device = await t.app.db.selectFrom('device').select('id').where('serial_no', '=', gas.serial).executeTakeFirstOrThrow();
      const client = await connect(broker.port!, gas.token);
      try {
        // The `me` topics are every device's: nobody may read them.
        await expect(client.subscribeAsync('v1/devices/me/telemetry', { qos: 1 })).rejects.toThrow(/Subscribe error/);
        await client.publishAsync('v1/devices/me/telemetry', JSON.stringify({ ts: Date.now(), values: { gas_lel: 3 } }), { qos: 1 });
        await client.publishAsync('v1/devices/me/telemetry', JSON.stringify({ gas_lel: 30 }), { qos: 1 });
        await client.publishAsync('v1/devices/me/telemetry', 'not json', { qos: 1 });
      } finally {
        await client.endAsync();
      }
      const event = await dispatchedEventOf(device.id);
      expect(event).toMatchObject({ source: 'iot', category_code: 'E0451', state: 'pending_sign', handling_unit_id: await orgId(t.app, 'GL-EMERG') });
      const row = await t.app.db.selectFrom('device').select(['status', 'telemetry_rejected', 'last_error']).where('id', '=', device.id).executeTakeFirstOrThrow();
      expect(row).toMatchObject({ status: 'online', telemetry_rejected: 1 });
      expect(row.last_error).toMatch(/^TELEMETRY_MALFORMED_JSON/);
    });

    it('takes gateway telemetry for its sub-devices by serial number, and refuses names it does not serve', async () => {
      const child = demoSensors.find((s) => s.viaGateway)!;
      const device = await t.app.db.selectFrom('device').select('id').where('serial_no', '=', child.serial).executeTakeFirstOrThrow();
      const client = await connect(broker.port!, demoGateway.token);
      try {
        const now = Date.now();
        await client.publishAsync('v1/gateway/telemetry', JSON.stringify({ [child.serial]: [{ ts: now - 2000, values: { tilt: 25 } }, { ts: now - 1000, values: { tilt: 26 } }] }), { qos: 1 });
        await client.publishAsync('v1/gateway/telemetry', JSON.stringify({ 'GL-IOT-99999': [{ ts: now, values: { tilt: 1 } }] }), { qos: 1 });
      } finally {
        await client.endAsync();
      }
      await until(async () => {
        await t.app.deviceIntake.settled();
        return (await alarmsOf(t, device.id)).find((a) => a.alarm_type === 'manhole_tilt' && a.status === 'active');
      });
      const gateway = await t.app.db.selectFrom('device').select('last_error').where('serial_no', '=', demoGateway.serial).executeTakeFirstOrThrow();
      expect(gateway.last_error).toBe('GATEWAY_DEVICE_UNKNOWN: GL-IOT-99999');
    });

    it('says clearly when the port is taken', async () => {
      await expect(startMqttIntake(t.app, t.app.deviceIntake, { port: broker.port!, url: null })).rejects.toMatchObject({ code: 'MQTT_PORT_IN_USE' });
    });
  });

  describe('external broker (Mosquitto, MQTT_URL)', () => {
    let bridge: MqttIntake;
    beforeAll(async () => {
      bridge = await startMqttIntake(t.app, t.app.deviceIntake, { url: mosquittoUrl });
    });
    afterAll(() => bridge.close());

    it('takes telemetry on the token topic: a breach becomes an alarm and a dispatched event', async () => {
      const smoke = await newSensor(t, admin, { kind: 'smoke' });
      const client = await mqtt.connectAsync(mosquittoUrl, { reconnectPeriod: 0 });
      try {
        await client.publishAsync(externalTopic('device', smoke.token), JSON.stringify({ smoke: 1, battery: 80 }), { qos: 1 });
        await client.publishAsync(externalTopic('device', 'unknown-token-xyz'), JSON.stringify({ smoke: 1 }), { qos: 1 });
      } finally {
        await client.endAsync();
      }
      const event = await dispatchedEventOf(smoke.id);
      expect(event).toMatchObject({ source: 'iot', category_code: 'E0450', state: 'pending_sign', handling_unit_id: await orgId(t.app, 'GL-FIRE') });
      await until(async () => (t.app.deviceIntake.snapshot().rejected.DEVICE_TOKEN_UNKNOWN ?? 0) >= 1);
    });

    it('names the broker it cannot reach', async () => {
      await expect(startMqttIntake(t.app, t.app.deviceIntake, { url: 'mqtt://127.0.0.1:1' })).rejects.toMatchObject({ code: 'MQTT_BROKER_UNREACHABLE' });
    });
  });
});
