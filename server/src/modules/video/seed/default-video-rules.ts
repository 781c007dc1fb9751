import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import type { ZoneType } from '../../devices/devices.tables.ts';

/**
 * The video rules every deployment starts with, inserted once into an empty table; from then on they
 * are the town's data (`/api/video/rules`). Categories follow the event-center reference §5.4–5.5:
 * 违章停车 → E0505 机动车乱停放, 占道经营 → E0550 (local extension), 出店经营 → E0504 店外经营;
 * Dahua 智能城管 codes 893 → E0505, 894 → E0506, 882 → E0504, 887 → E0501, 883 → E0150 (local
 * 垃圾乱倒), 890 → E0102 暴露垃圾; Dahua's camera-side ParkingDetection → E0505.
 * COCO has no class for a stall, laundry or a garbage pile (sensing reference §5.4): those come from
 * vendor analytics, or from generic objects (table, chair, umbrella with a person) in a drawn zone.
 * The dwell times are defaults to adjust to local practice (e.g. a 3-minute grace for stopping).
 */
export interface DefaultVideoRule {
  name: string;
  labels?: string[];
  vendorCodes?: string[];
  zoneType?: ZoneType;
  withLabels?: string[];
  minDwellS?: number;
  requireStationary?: boolean;
  minScore?: number;
  categoryCode: string;
  priority: number;
}

export const defaultVideoRules: DefaultVideoRule[] = [
  { name: '机动车禁停区违停', labels: ['car', 'truck', 'bus', 'motorcycle'], zoneType: 'no_parking', requireStationary: true, minDwellS: 180, minScore: 0.5, categoryCode: 'E0505', priority: 10 },
  { name: '非机动车禁停区乱停', labels: ['bicycle'], zoneType: 'no_parking', requireStationary: true, minDwellS: 600, minScore: 0.5, categoryCode: 'E0506', priority: 20 },
  { name: '禁摆区占道经营', labels: ['dining table', 'chair', 'umbrella'], withLabels: ['person'], zoneType: 'no_stall', minDwellS: 300, minScore: 0.4, categoryCode: 'E0550', priority: 30 },
  { name: '店外禁占区出店经营', labels: ['dining table', 'chair', 'umbrella'], zoneType: 'no_occupation', minDwellS: 600, minScore: 0.4, categoryCode: 'E0504', priority: 40 },
  { name: '大华智能城管：机动车违章停车', vendorCodes: ['893', 'ParkingDetection'], categoryCode: 'E0505', priority: 100 },
  { name: '大华智能城管：非机动车违章停车', vendorCodes: ['894'], categoryCode: 'E0506', priority: 101 },
  { name: '大华智能城管：商铺占道经营', vendorCodes: ['882'], categoryCode: 'E0504', priority: 102 },
  { name: '大华智能城管：游摊小贩', vendorCodes: ['887'], categoryCode: 'E0501', priority: 103 },
  { name: '大华智能城管：垃圾违章倾倒', vendorCodes: ['883'], categoryCode: 'E0150', priority: 104 },
  { name: '大华智能城管：暴露垃圾', vendorCodes: ['890'], categoryCode: 'E0102', priority: 105 },
];

export const defaultRuleColumns = (r: DefaultVideoRule) => ({
  name: r.name,
  labels: r.labels ?? [],
  vendor_codes: r.vendorCodes ?? [],
  zone_type: r.zoneType ?? null,
  with_labels: r.withLabels ?? [],
  min_dwell_s: r.minDwellS ?? 0,
  require_stationary: r.requireStationary ?? false,
  min_score: r.minScore ?? 0.5,
  category_code: r.categoryCode,
  priority: r.priority,
  updated_at: new Date(),
});

/** Inserts the defaults when the table is empty; a rule whose category the catalogue lacks is skipped. */
export async function seedVideoDefaults(db: Kysely<DB>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    if (await trx.selectFrom('video_rule').select('id').limit(1).executeTakeFirst()) return;
    const categories = new Set((await trx.selectFrom('event_category').select('code').where('active', '=', true).execute()).map((c) => c.code));
    const rows = defaultVideoRules.filter((r) => categories.has(r.categoryCode)).map(defaultRuleColumns);
    if (rows.length) await trx.insertInto('video_rule').values(rows).execute();
  });
}
