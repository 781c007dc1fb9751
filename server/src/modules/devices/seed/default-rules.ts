import type { Kysely } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import type { RuleInput } from '../alarm-rule-input.ts';
import { ruleColumns } from '../alarm-rule-input.ts';

/**
 * Default alarm rules per sensor kind, from the Chinese standards and vendor practice in the sensing
 * reference (§2.3). They are data: loaded once into an empty rule table, edited by admins afterwards,
 * and offered again by GET /api/alarm-rules/defaults for re-import.
 */
export const defaultRules: RuleInput[] = [
  {
    sensorKind: 'combustible_gas', alarmType: 'gas_high', nameZh: '可燃气体浓度超限', nameEn: 'Combustible gas high', key: 'gas_lel',
    levels: [{ severity: 'critical', op: '>=', value: 50 }, { severity: 'major', op: '>=', value: 25 }],
    mode: 'simple', clear: { op: '<', value: 20 }, eventCategory: 'E0451', eventMinSeverity: 'major',
    sourceNote: 'GB/T 50493-2019：一级报警设定值 ≤ 25 %LEL，二级报警设定值 ≤ 50 %LEL',
  },
  {
    sensorKind: 'smoke', alarmType: 'smoke_fire', nameZh: '烟感火警', nameEn: 'Smoke alarm', key: 'smoke',
    levels: [{ severity: 'critical', op: '==', value: 1 }],
    mode: 'simple', clear: { op: '==', value: 0 }, eventCategory: 'E0450', eventMinSeverity: 'critical',
    sourceNote: 'GB 20517 独立式感烟火灾探测报警器：火警信号（1 = 报警，0 = 正常）',
  },
  {
    sensorKind: 'smoke', alarmType: 'low_battery', nameZh: '电池电量低', nameEn: 'Low battery', key: 'battery',
    levels: [{ severity: 'warning', op: '<=', value: 20 }],
    mode: 'repeating', repeatCount: 2, clear: { op: '>=', value: 30 }, eventCategory: null, eventMinSeverity: null,
    sourceNote: '产品说明书：电源欠压提示（电量百分比）；两次连续读数确认',
  },
  {
    sensorKind: 'manhole_cover', alarmType: 'manhole_tilt', nameZh: '井盖倾斜', nameEn: 'Manhole cover tilted', key: 'tilt',
    levels: [{ severity: 'major', op: '>=', value: 15 }],
    mode: 'repeating', repeatCount: 2, clear: { op: '<', value: 5 }, eventCategory: 'C0114', eventMinSeverity: 'major',
    sourceNote: '厂商：倾角 > 10°～15° 报警；边缘逻辑示例 15° 且持续 ≥ 2 秒（车辆驶过的一次颠簸不报）',
  },
  {
    sensorKind: 'manhole_cover', alarmType: 'manhole_open', nameZh: '井盖开启或移位', nameEn: 'Manhole cover open', key: 'open',
    levels: [{ severity: 'critical', op: '==', value: 1 }],
    mode: 'simple', clear: { op: '==', value: 0 }, eventCategory: 'C0114', eventMinSeverity: 'critical',
    sourceNote: '厂商：开启、移位、丢失（1 = 开启，0 = 复位）',
  },
  {
    sensorKind: 'water_level', alarmType: 'waterlogging', nameZh: '道路积水', nameEn: 'Road waterlogging', key: 'depth_cm',
    levels: [{ severity: 'critical', op: '>', value: 25 }, { severity: 'major', op: '>', value: 10 }, { severity: 'minor', op: '>=', value: 3 }],
    mode: 'duration', durationSeconds: 60, clear: { op: '<', value: 3 }, eventCategory: 'E0406', eventMinSeverity: 'major',
    sourceNote: '内涝积水深度：< 3 cm 无，3–10 cm 轻度，10–25 cm 中度，> 25 cm 严重；上海下穿通道 > 25 cm 禁止通行；持续 60 秒以滤除波浪',
  },
  {
    sensorKind: 'hydrant_pressure', alarmType: 'pressure_low', nameZh: '消防管网水压低', nameEn: 'Hydrant pressure low', key: 'pressure_mpa',
    levels: [{ severity: 'critical', op: '<', value: 0.1 }, { severity: 'major', op: '<', value: 0.14 }],
    mode: 'duration', durationSeconds: 60, clear: { op: '>=', value: 0.15 }, eventCategory: 'C0113', eventMinSeverity: 'major',
    sourceNote: 'GB 50974-2014 §7.2.8 / GB 55036-2022 §3.0.3：市政管网平时 ≥ 0.14 MPa，火灾时消火栓处 ≥ 0.10 MPa',
  },
  {
    sensorKind: 'electrical_fire', alarmType: 'residual_current', nameZh: '剩余电流超限', nameEn: 'Residual current high', key: 'residual_ma',
    levels: [{ severity: 'critical', op: '>=', value: 500 }, { severity: 'major', op: '>=', value: 300 }],
    mode: 'repeating', repeatCount: 3, clear: { op: '<', value: 250 }, eventCategory: 'E0450', eventMinSeverity: 'major',
    sourceNote: 'GB 50116-2013 §9.2.3 条文说明：剩余电流报警值 300–500 mA（自然漏流 100–200 mA，300 mA 可引起火灾）',
  },
  {
    sensorKind: 'electrical_fire', alarmType: 'cable_temperature', nameZh: '线缆温度过高', nameEn: 'Cable temperature high', key: 'cable_temp_c',
    levels: [{ severity: 'critical', op: '>=', value: 90 }, { severity: 'major', op: '>=', value: 70 }],
    mode: 'repeating', repeatCount: 3, clear: { op: '<', value: 60 }, eventCategory: 'E0450', eventMinSeverity: 'critical',
    sourceNote: '厂商常用设定值（非标准条文），请按线缆型号和现场核定',
  },
];

/** Event categories the default rules open that the national taxonomy lacks (local extensions, minor 50–98). */
const iotCategories = [
  { code: 'E0450', minorCode: '50', minorName: '火灾报警', nameEn: 'Fire alarm', standard: ['烟感、电气火灾监控等设备报警，需现场确认', '已现场确认，隐患已消除或已移交消防', 1] as const },
  { code: 'E0451', minorCode: '51', minorName: '可燃气体泄漏', nameEn: 'Combustible gas leak', standard: ['可燃气体探测器报警（≥ 25 %LEL）', '已关阀通风，泄漏已排除', 1] as const },
];

/**
 * Adds the IoT categories when missing and the default rules into an empty rule table (runs on every
 * start after the event catalogue seed; admins' edits stay).
 */
export async function seedDeviceDefaults(db: Kysely<DB>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const c of iotCategories) {
      const inserted = await trx
        .insertInto('event_category')
        .values({ code: c.code, kind: 'event', major_code: '04', major_name: '突发事件', minor_code: c.minorCode, minor_name: c.minorName, name_en: c.nameEn, is_extension: true, auto_dispatch: true })
        .onConflict((oc) => oc.column('code').doNothing())
        .returning('code')
        .executeTakeFirst();
      if (!inserted) continue;
      const [registerCondition, closeCondition, limitValue] = c.standard;
      await trx.insertInto('event_standard').values({ category_code: c.code, register_condition: registerCondition, close_condition: closeCondition, limit_value: limitValue, limit_unit: 'urgent_hour', default_organization_id: null }).execute();
    }
    const existing = await trx.selectFrom('alarm_rule').select('id').limit(1).executeTakeFirst();
    if (existing) return;
    // A catalogue edited so that a rule's category is gone: the rule raises alarms without events.
    const categories = new Set((await trx.selectFrom('event_category').select('code').execute()).map((c) => c.code));
    const rules = defaultRules.map((r) => (r.eventCategory && !categories.has(r.eventCategory) ? { ...r, eventCategory: null, eventMinSeverity: null } : r));
    await trx.insertInto('alarm_rule').values(rules.map(ruleColumns)).execute();
  });
}
