import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { hashAccessToken } from '../modules/devices/reporting-device.ts';
import { pointPicker } from './demo-registry.ts';
import type { DemoVillage } from './demo-town.ts';
import { seededRandom } from './random.ts';

/**
 * Demo sensors with FIXED access tokens (documented in the README), in 薛家村第1网格 so that every
 * demo account down to the grid worker sees them. The simulator (iot-simulator.ts) publishes their
 * telemetry; anyone may publish their own with mosquitto_pub or curl. Never use these tokens for real
 * devices: they are public.
 */
export const demoIotGrid = '33020310320101';

export interface DemoSensor {
  serial: string;
  name: string;
  kind: string;
  token: string;
  address: string;
  /** Reports through the demo gateway instead of its own connection. */
  viaGateway?: boolean;
}

export const demoGateway: DemoSensor = { serial: 'GL-DEMO-GW-01', name: '薛家村物联网关', kind: 'gateway', token: 'demo-gateway-xuejia-01', address: '薛家村村委会' };
export const demoSensors: DemoSensor[] = [
  { serial: 'GL-DEMO-GAS-01', name: '薛家村饭店可燃气体探测器', kind: 'combustible_gas', token: 'demo-gas-xuejia-01', address: '薛家村薛家路18号（饭店后厨）' },
  { serial: 'GL-DEMO-SMOKE-01', name: '薛家村出租房烟感', kind: 'smoke', token: 'demo-smoke-xuejia-01', address: '薛家村薛家路26号（出租房）' },
  { serial: 'GL-DEMO-WATER-01', name: '薛家村下穿通道积水监测', kind: 'water_level', token: 'demo-water-xuejia-01', address: '薛家路下穿通道' },
  { serial: 'GL-DEMO-MANHOLE-01', name: '薛家村雨水井盖', kind: 'manhole_cover', token: 'demo-manhole-xuejia-01', address: '薛家路与古林大道路口' },
  { serial: 'GL-DEMO-HYDRANT-01', name: '薛家村消火栓水压', kind: 'hydrant_pressure', token: 'demo-hydrant-xuejia-01', address: '薛家村文化礼堂东侧' },
  { serial: 'GL-DEMO-ELEC-01', name: '薛家村小超市电气火灾监控', kind: 'electrical_fire', token: 'demo-elec-xuejia-01', address: '薛家村薛家路9号（小超市）' },
  { serial: 'GL-DEMO-MANHOLE-02', name: '薛家村污水井盖（网关接入）', kind: 'manhole_cover', token: 'demo-manhole-xuejia-02', address: '薛家村菜场门口', viaGateway: true },
];

/** Report interval of the demo sensors (they publish every few seconds; offline after 3 minutes' silence). */
const intervalSeconds = 60;

export async function seedDemoIot(trx: Transaction<DB>, villages: DemoVillage[]): Promise<void> {
  const pointIn = pointPicker(villages, seededRandom(1883));
  const row = (s: DemoSensor, gatewayId: number | null) => ({
    device_type: 'sensor' as const,
    name: s.name,
    serial_no: s.serial,
    sensor_kind: s.kind,
    address: s.address,
    ai_enabled: false,
    channel_id: null,
    last_seen_at: null,
    status: 'offline' as const,
    token_hash: hashAccessToken(s.token),
    token_issued_at: new Date(),
    report_interval_s: intervalSeconds,
    gateway_id: gatewayId,
    ...pointIn(demoIotGrid),
  });
  const gateway = await trx.insertInto('device').values(row(demoGateway, null)).returning('id').executeTakeFirstOrThrow();
  await trx.insertInto('device').values(demoSensors.map((s) => row(s, s.viaGateway ? gateway.id : null))).execute();
}
