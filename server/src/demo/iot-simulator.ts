import mqtt, { type MqttClient } from 'mqtt';
import type { FastifyBaseLogger } from 'fastify';
import { deviceTelemetryTopic, externalTopic, gatewayTelemetryTopic } from '../modules/devices/mqtt/topics.ts';
import { demoGateway, demoSensors, type DemoSensor } from './demo-iot.ts';

/**
 * The demo's simulated sensors: every few seconds each publishes plausible readings over real MQTT —
 * to the embedded broker with its token as username (ThingsBoard style), or through an external
 * broker on the token topics. Every three minutes one of them breaches its threshold for a while
 * (gas leak, smoke, tilted manhole cover via the gateway, residual current, waterlogging, low hydrant
 * pressure), so that live alarms and events turn up within the first minute and keep coming.
 */
export type SimulatorTarget = { kind: 'embedded'; port: number } | { kind: 'external'; url: string };

type Values = Record<string, number>;
const jitter = (base: number, spread: number, decimals = 1) => Number((base + (Math.random() - 0.5) * 2 * spread).toFixed(decimals));

const normal: Record<string, () => Values> = {
  combustible_gas: () => ({ gas_lel: jitter(3, 2) }),
  smoke: () => ({ smoke: 0, battery: jitter(86, 2, 0) }),
  water_level: () => ({ depth_cm: jitter(1, 1) }),
  manhole_cover: () => ({ tilt: jitter(1.5, 1), open: 0 }),
  hydrant_pressure: () => ({ pressure_mpa: jitter(0.3, 0.02, 3) }),
  electrical_fire: () => ({ residual_ma: jitter(90, 30, 0), cable_temp_c: jitter(35, 3) }),
};

/** One breach per slot, in turn: which sensor, for how many ticks, with which readings. */
const breaches: { serial: string; ticks: number; values: () => Values }[] = [
  { serial: 'GL-DEMO-GAS-01', ticks: 6, values: () => ({ gas_lel: jitter(32, 3) }) },
  { serial: 'GL-DEMO-SMOKE-01', ticks: 4, values: () => ({ smoke: 1, battery: jitter(86, 2, 0) }) },
  { serial: 'GL-DEMO-MANHOLE-02', ticks: 4, values: () => ({ tilt: jitter(22, 3), open: 0 }) },
  { serial: 'GL-DEMO-ELEC-01', ticks: 5, values: () => ({ residual_ma: jitter(360, 20, 0), cable_temp_c: jitter(42, 3) }) },
  { serial: 'GL-DEMO-WATER-01', ticks: 18, values: () => ({ depth_cm: jitter(16, 3) }) },
  { serial: 'GL-DEMO-HYDRANT-01', ticks: 16, values: () => ({ pressure_mpa: jitter(0.12, 0.005, 3) }) },
];
const firstBreachTick = 3;
const ticksPerSlot = 36;

export function startIotSimulator(target: SimulatorTarget, log: FastifyBaseLogger, periodMs = 5_000): { stop(): Promise<void> } {
  const direct = [...demoSensors.filter((s) => !s.viaGateway), demoGateway];
  const viaGateway = demoSensors.filter((s) => s.viaGateway);
  const clients = new Map<DemoSensor, MqttClient>();
  const connect = (username?: string) =>
    target.kind === 'embedded'
      ? mqtt.connect({ host: '127.0.0.1', port: target.port, username, reconnectPeriod: 5_000, clientId: `gongzhi-demo-${username}` })
      : mqtt.connect(target.url, { reconnectPeriod: 5_000 });
  if (target.kind === 'embedded') for (const sensor of direct) clients.set(sensor, connect(sensor.token));
  const shared = target.kind === 'external' ? connect() : undefined;
  for (const client of [...clients.values(), ...(shared ? [shared] : [])]) client.on('error', (error) => log.warn({ err: error }, 'demo IoT simulator: MQTT error'));

  const publish = (sensor: DemoSensor, body: unknown) => {
    const payload = JSON.stringify(body);
    const isGateway = sensor === demoGateway;
    if (shared) shared.publish(externalTopic(isGateway ? 'gateway' : 'device', sensor.token), payload);
    else clients.get(sensor)?.publish(isGateway ? gatewayTelemetryTopic : deviceTelemetryTopic, payload);
  };

  let tick = 0;
  const readingsOf = (sensor: DemoSensor): Values => {
    const slot = Math.floor((tick - firstBreachTick) / ticksPerSlot);
    const breach = slot >= 0 ? breaches[slot % breaches.length]! : undefined;
    const inBreach = breach && breach.serial === sensor.serial && (tick - firstBreachTick) % ticksPerSlot < breach.ticks;
    return inBreach ? breach.values() : (normal[sensor.kind]?.() ?? {});
  };
  const timer = setInterval(() => {
    for (const sensor of direct) if (sensor !== demoGateway) publish(sensor, readingsOf(sensor));
    const ts = Date.now();
    publish(demoGateway, Object.fromEntries(viaGateway.map((s) => [s.serial, [{ ts, values: readingsOf(s) }]])));
    tick++;
  }, periodMs);
  timer.unref();
  log.info({ sensors: demoSensors.length, periodMs }, 'demo IoT simulator publishing');

  return {
    async stop() {
      clearInterval(timer);
      await Promise.all([...clients.values(), ...(shared ? [shared] : [])].map((c) => c.endAsync(true)));
    },
  };
}
