import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { pointPicker } from './demo-registry.ts';
import type { DemoVillage } from './demo-town.ts';
import { demoIotGrid } from './demo-iot.ts';
import { seededRandom } from './random.ts';

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

export async function seedDemoVideo(trx: Transaction<DB>, villages: DemoVillage[]): Promise<void> {
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
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx.insertInto('camera_ai').values({ device_id: camera.id, source_name: demoCamera.sourceName, frigate_url: null, updated_at: new Date() }).execute();
  const { zone, frame } = demoCamera;
  await trx.insertInto('camera_zone').values({ device_id: camera.id, name: zone.name, zone_type: zone.zoneType, polygon: JSON.stringify(zone.polygon), image_width: frame.width, image_height: frame.height, updated_at: new Date() }).execute();
}
