import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { seedEventConfig } from '../modules/events/config/seed/base-seed.ts';
import { seedDeviceDefaults } from '../modules/devices/seed/default-rules.ts';
import { seedVideoDefaults } from '../modules/video/seed/default-video-rules.ts';

/**
 * Dictionaries every deployment starts with (built-in roles come from migration 0002). Inserted when
 * missing, never overwritten: admins edit them afterwards and their edits stay.
 */
type DictItem = [value: string, labelZh: string, labelEn: string, color: string | null];
export const builtinDictionaries: Record<string, DictItem[]> = {
  organization_kind: [
    ['command_center', '指挥中心', 'Command center', '#c0392b'],
    ['department', '职能部门', 'Department', '#2f6fb0'],
    ['line', '条线', 'Line', '#7d5ba6'],
    ['grid_force', '网格力量', 'Grid force', '#2e8b57'],
    ['auxiliary_force', '辅助力量', 'Auxiliary force', '#b8860b'],
    ['law_enforcement', '执法部门', 'Law enforcement', '#8b1a1a'],
    ['service', '服务机构', 'Service', '#5f6b7a'],
  ],
  event_source: [
    ['superior', '上级交办', 'Superior assignment', null],
    ['patrol', '日常巡查', 'Daily patrol', null],
    ['grid', '网格上报', 'Grid report', null],
    ['public', '公众上报', 'Public report', null],
    ['hotline', '12345热线', '12345 hotline', null],
    ['iot', '物联感知', 'IoT sensor', null],
    ['video_ai', '视频AI', 'Video AI', null],
    ['backbone', '居民骨干', 'Resident backbone', null],
    ['visitor', '游客服务', 'Visitor service', null],
    ['inspection', '安全检查', 'Inspection', null],
  ],
  urgency: [
    ['normal', '一般', 'Normal', '#5f6b7a'],
    ['urgent', '紧急', 'Urgent', '#d48806'],
    ['critical', '特急', 'Critical', '#c0392b'],
  ],
};

export async function ensureBaseData(db: Kysely<DB>): Promise<void> {
  const items = Object.entries(builtinDictionaries).flatMap(([type, list]) =>
    list.map(([value, labelZh, labelEn, color], sort) => ({ dict_type: type, value, label_zh: labelZh, label_en: labelEn, color, sort })),
  );
  await db.insertInto('dictionary_item').values(items).onConflict((oc) => oc.columns(['dict_type', 'value']).doNothing()).execute();
  await seedEventConfig(db);
  await seedDeviceDefaults(db);
  await seedVideoDefaults(db);
}
