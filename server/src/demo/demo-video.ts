import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { pointPicker } from './demo-registry.ts';
import type { DemoVillage } from './demo-town.ts';
import { demoIotGrid } from './demo-iot.ts';
import { seededRandom } from './random.ts';
import type { FieldCipher } from '../privacy/field-cipher.ts';
import { maskPhone } from '../privacy/masking.ts';

/**
 * The demo's video-AI camera (documented in the README): a street camera in 薛家村第1网格 known to
 * Frigate as `gulin_xue_01`, with a no-parking zone drawn on its 1280×720 frame. The simulated Frigate
 * (frigate-simulator.ts) publishes parking sequences for it; anyone may replay the recorded sequence
 * (server/test/fixtures/video/frigate-parking.jsonl) with mosquitto_pub. The MQTT password is public:
 * demo only.
 */
export const demoCamera = {
  sourceName: 'gulin_xue_01',
  name: '薛家路口AI监控',
  channelId: '33020310001320900801',
  address: '薛家路与古林大道路口（东南角）',
  zone: { name: '薛家路口禁停区', zoneType: 'no_parking' as const, polygon: [[640, 430], [1240, 430], [1270, 712], [560, 712]] as [number, number][] },
  frame: { width: 1280, height: 720 },
};
export const demoFrigatePassword = 'demo-frigate';

/**
 * The shop at the camera's corner, so the demo's parking reminder reaches someone (its number is
 * made up), and the plate registry's demo vehicles: the simulated Frigate reads 浙BD12345 on every
 * other car (the owner is reminded) and no plate on the others (the shop is).
 */
export const demoShop = { name: '古林薛记便利店', creditCode: '92330203XJ19080173', legalRep: '薛海军', phone: '13905740801', address: '薛家路1号（薛家路与古林大道路口东南角）' };
export const demoVehicles = [
  { plate: '浙BD12345', ownerName: '陈一鸣', phone: '13805741201', shopVan: false },
  { plate: '浙B5N821', ownerName: '林晓燕', phone: '13605743302', shopVan: false },
  { plate: '浙B72M39', ownerName: null, phone: demoShop.phone, shopVan: true },
];
export const demoPlateRead = demoVehicles[0]!.plate;

export async function seedDemoVideo(trx: Transaction<DB>, villages: DemoVillage[], cipher: FieldCipher): Promise<void> {
  const pointIn = pointPicker(villages, seededRandom(5000));
  const camera = await trx
    .insertInto('device')
    .values({
      device_type: 'camera',
      name: demoCamera.name,
      channel_id: demoCamera.channelId,
      serial_no: null,
      sensor_kind: null,
      ai_enabled: true,
      status: 'online',
      last_seen_at: new Date(),
      address: demoCamera.address,
      view_description: '朝东南，俯瞰路口东侧路边（禁停黄线）',
      ...pointIn(demoIotGrid),
    })
    .returning(['id', 'lng', 'lat', 'grid_code', 'division_code'])
    .executeTakeFirstOrThrow();
  await trx.insertInto('camera_ai').values({ device_id: camera.id, source_name: demoCamera.sourceName, frigate_url: null, updated_at: new Date() }).execute();
  const { zone, frame } = demoCamera;
  await trx.insertInto('camera_zone').values({ device_id: camera.id, name: zone.name, zone_type: zone.zoneType, polygon: JSON.stringify(zone.polygon), image_width: frame.width, image_height: frame.height, updated_at: new Date() }).execute();
  await seedDemoShopAndVehicles(trx, camera, cipher);
}

async function seedDemoShopAndVehicles(trx: Transaction<DB>, camera: { lng: number; lat: number; grid_code: string; division_code: string }, cipher: FieldCipher) {
  const phone = (value: string) => ({ phone_enc: cipher.encrypt(value), phone_idx: cipher.blindIndex('phone', value), phone_masked: maskPhone(value) });
  const shop = await trx
    .insertInto('enterprise')
    .values({
      name: demoShop.name,
      credit_code: demoShop.creditCode,
      kind: 'shop',
      industry: '便利店',
      legal_rep: demoShop.legalRep,
      ...phone(demoShop.phone),
      address: demoShop.address,
      // About five metres east of the camera pole, the same unit grid.
      lng: Math.round((camera.lng + 0.00005) * 1e6) / 1e6,
      lat: camera.lat,
      grid_code: camera.grid_code,
      division_code: camera.division_code,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx
    .insertInto('vehicle_owner')
    .values(demoVehicles.map((v) => ({ plate: v.plate, owner_name: v.ownerName, ...phone(v.phone), enterprise_id: v.shopVan ? shop.id : null, source: 'import' as const, division_code: camera.division_code, updated_at: new Date() })))
    .execute();
}
