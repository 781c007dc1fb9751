import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'csv-parse/sync';
import type { Kysely } from 'kysely';
import type { DB } from '../../../../db/schema.ts';
import type { LimitUnit } from '../../work-calendar.ts';
import type { CalendarDay } from '../calendar-rules.ts';
import { categoryCode, type CategoryKind } from '../standards-table.ts';

/**
 * The event configuration every deployment starts with, loaded once into an empty catalogue; from then
 * on it is the town's data, edited through /api/event-config (nothing here overwrites an edit).
 *
 * - 部件/事件 大类/小类: `taxonomy.csv`, a copy of the research extract of GB/T 30428.2 practice
 *   (docs reference §5; the evidence column says how well each row is attested), plus local extensions.
 * - 立结案标准: rows marked "published" take their limits from real city tables (reference §7.3:
 *   renrendoc / 济源 市容环境 tables, 运城 井盖). Every other limit is a DEMO VALUE, a plausible local
 *   default, not a norm: each town must review the table (export → edit → import) before production.
 * - The 2026 holidays and 调休 working days.
 */
const taxonomyFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'taxonomy.csv');

export interface TaxonomyRow {
  kind: '部件' | '事件';
  major_code: string;
  major_name: string;
  minor_code: string;
  minor_name: string;
  /** The English name shown in the English UI (our translation, not part of the standard). */
  name_en: string;
  evidence: string;
}

export function taxonomyRows(): TaxonomyRow[] {
  return parse(fs.readFileSync(taxonomyFile, 'utf8'), { columns: true, skip_empty_lines: true, trim: true }) as TaxonomyRow[];
}

const kindOf = (label: TaxonomyRow['kind']): CategoryKind => (label === '部件' ? 'component' : 'event');

/** Local extensions (minor codes 50–98): the seed's video-AI scenario names both (reference §5.4). */
const extensions = [
  { kind: 'event' as const, majorCode: '01', majorName: '市容环境', minorCode: '50', minorName: '垃圾乱倒', nameEn: 'Illegal dumping' },
  { kind: 'event' as const, majorCode: '05', majorName: '街面秩序', minorCode: '50', minorName: '占道经营', nameEn: 'Road-occupying stall' },
];

/** Dispatch without a dispatcher when one routing rule is clearly best: emergencies and the two commonest AI-detected street cases. */
const autoDispatch = new Set(['E0401', 'E0402', 'E0403', 'E0404', 'E0405', 'E0406', 'E0407', 'E0408', 'E0505', 'E0550']);
/** A polite SMS/114 call may precede enforcement (视频AI + 114客服, reference §11). */
const reminderAllowed = new Set(['E0150', 'E0504', 'E0505', 'E0506', 'E0511', 'E0550']);

type Standard = [registerCondition: string, closeCondition: string, limitValue: number, limitUnit: LimitUnit];

/** 运城 园林井盖 (reference §7.3, published), applied to every manhole-cover 小类. */
const manholeCover: Standard[] = [
  ['井盖（箅子）丢失、移位或破损，存在安全隐患', '已设置警示，井盖已补齐、复位或更换', 2, 'urgent_hour'],
  ['井盖（箅子）破损面积大于 25 平方厘米', '已更换或修复', 4, 'work_hour'],
  ['井盖（箅子）松动、踩踏有响声', '已修复，踩踏无响声', 2, 'work_day'],
  ['井盖周边 150×150 厘米范围内下沉或凸起', '已修复平整', 5, 'work_day'],
];
const manholeCoverCodes = ['C0101', 'C0102', 'C0103', 'C0104', 'C0105', 'C0106', 'C0107', 'C0108', 'C0109', 'C0110', 'C0111', 'C0112', 'C0114'];

const standards: Record<string, Standard[]> = {
  ...Object.fromEntries(manholeCoverCodes.map((code) => [code, manholeCover])),
  C0113: [['消防栓等消防设施损坏、缺失或被圈占遮挡', '已修复或清除遮挡', 1, 'work_day']], // demo value
  C0118: [['路灯不亮、灯具破损或灯杆倾斜', '已修复亮灯', 2, 'work_day']], // demo value
  // published (renrendoc 市容环境 table)
  E0101: [
    ['正在建设的违法建设（未取得规划许可）', '已责令停止建设', 4, 'work_hour'],
    ['已建成的违法建设，需依法查处', '已依法立案处罚', 7, 'work_day'],
    ['违法建设需拆除', '已全部拆除', 20, 'work_day'],
  ],
  E0102: [['主次干道有成堆垃圾，或公共场所生活垃圾未入容器', '已全部清除', 4, 'work_hour']],
  E0103: [
    ['建筑垃圾积存', '已清除', 4, 'work_hour'],
    ['渣土堆积存，超过临时堆放期限', '已清除或依法处理', 2, 'work_day'],
  ],
  E0104: [
    ['08:00 以后公共场所仍不洁', '已保洁干净', 2, 'work_hour'],
    ['因保洁不到位造成路面积水', '积水已清除', 4, 'work_hour'],
  ],
  E0105: [['水域淤积，或有漂浮物、油污', '已清除', 15, 'work_day']], // published (济源)
  E0106: [['绿地内有垃圾、杂物', '已全部清除', 4, 'work_hour']], // published (renrendoc 绿地保洁)
  // demo values from here on
  E0107: [['道路或公共场所长期停放的废弃车辆', '已拖移或由车主清理', 5, 'work_day']],
  E0108: [['公共场所堆放的废弃家具、设备', '已清运', 2, 'work_day']],
  E0109: [['树木上悬挂塑料袋、杂物等', '已清除', 2, 'work_day']],
  E0150: [['在道路、河道、绿地等处乱倒垃圾或渣土', '已清除并查处责任人', 4, 'work_hour']],
  E0199: [['其他影响市容环境的问题', '问题已消除', 5, 'work_day']],
  E0201: [['张贴、涂写、刻画的非法小广告', '已清除', 2, 'work_day']],
  E0202: [['未经批准设置，或破损、存在坠落隐患的广告牌匾', '已拆除或整改', 5, 'work_day']],
  E0203: [['占用道路设置的广告牌', '已移除', 1, 'work_day']],
  E0204: [['在道路、公共场所散发广告', '已制止', 2, 'work_hour']],
  // 施工扰民 happens at night: urgent hours run outside office hours.
  E0301: [['夜间或未经许可施工，噪声扰民', '已停止施工或取得许可', 2, 'urgent_hour']],
  E0302: [['工地未落实防尘措施，产生扬尘', '已落实覆盖、洒水等防尘措施', 4, 'work_hour']],
  E0401: [['路面塌陷或出现坑洞', '已设置警示围挡并修复', 2, 'urgent_hour']],
  E0402: [['自来水管破裂漏水', '已关阀止水并修复', 2, 'urgent_hour']],
  E0403: [['燃气管道破裂或泄漏', '已关阀隔离并修复', 1, 'urgent_hour']],
  E0404: [['下水道堵塞、冒溢或破损', '已疏通或修复', 4, 'urgent_hour']],
  E0405: [['热力管道破裂', '已隔离并修复', 2, 'urgent_hour']],
  E0406: [['降雨后道路积水，影响通行', '积水已排除', 2, 'urgent_hour']],
  E0407: [['道路积雪或结冰，影响通行', '已清除或撒布融雪剂', 4, 'urgent_hour']],
  E0408: [['架空线缆断落、低垂或损坏', '已设置警示并修复', 2, 'urgent_hour']],
  E0409: [['人员聚集的群体性事件', '已到场处置，秩序恢复', 1, 'urgent_hour']],
  // 街面秩序: no published limits found; the commonly recalled 0.5–2 工作时 (乱堆物堆料 4) are used.
  E0501: [['道路、广场等处流动无照经营', '已劝离或依法查处', 1, 'work_hour']],
  E0502: [['流浪乞讨人员滞留公共场所', '已劝导或移交救助', 2, 'work_hour']],
  E0503: [['占用道路收购废品', '已清理或依法查处', 2, 'work_hour']],
  E0504: [['超出门窗、外墙经营或摆放商品', '已恢复店内经营', 1, 'work_hour']],
  E0505: [['机动车违反规定停放，影响通行', '车辆已驶离或依法处理', 0.5, 'work_hour']],
  E0506: [['非机动车乱停乱放，影响通行或市容', '已摆放整齐或清理', 1, 'work_hour']],
  E0507: [['占用道路或公共场所堆放物料', '已清除', 4, 'work_hour']],
  E0508: [['商业经营使用高音喇叭等产生噪声', '已停止', 1, 'work_hour']],
  E0509: [['非法营运车辆拉客', '已制止或移交查处', 2, 'work_hour']],
  E0510: [['在道路或公共场所露天烧烤', '已停止并清理', 1, 'work_hour']],
  E0511: [['临街晾晒、吊挂衣物等', '已收回', 2, 'work_hour']],
  E0512: [['销售非法出版物', '已依法查处', 1, 'work_day']],
  E0513: [['空调室外机安装过低，影响通行或滴水', '已整改至规定高度', 10, 'work_day']],
  E0550: [['占用道路、广场等公共场所设摊经营', '已清理恢复或依法查处', 1, 'work_hour']],
  E0599: [['其他影响街面秩序的问题', '问题已消除', 1, 'work_day']],
};

/** Demo values for the 部件 without their own row above, by 大类. */
const componentDefaults: Record<string, Standard> = {
  '01': ['设施破损、缺失、倾斜或功能异常', '已修复、补齐或更换', 5, 'work_day'],
  '02': ['设施破损、缺失、倾斜或被遮挡', '已修复、补齐或更换', 5, 'work_day'],
  '03': ['设施破损、缺失、脏污或满溢', '已修复、清洁或更换', 2, 'work_day'],
  '04': ['设施或植物破损、缺失、倒伏或枯死', '已修复、扶正或补植', 5, 'work_day'],
  '05': ['设施破损、缺失或存在安全隐患', '已修复或消除隐患', 5, 'work_day'],
};

function standardsFor(code: string): Standard[] {
  const own = standards[code];
  if (own) return own;
  const fallback = code.startsWith('C') ? componentDefaults[code.slice(1, 3)] : undefined;
  if (!fallback) throw new Error(`no seed 立结案标准 for ${code}`);
  return [fallback];
}

/**
 * 2026 from the State Council notice of 2025-11-04 (国务院办公厅关于2026年部分节假日安排的通知), as
 * published by Xinhua. Verify against the official notice (国办发明电) before production use; later
 * years are imported each November through /api/event-config/calendar/import.
 */
const range = (from: string, to: string, name: string): CalendarDay[] => {
  const days: CalendarDay[] = [];
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push({ date: new Date(t).toISOString().slice(0, 10), kind: 'holiday', name });
  return days;
};
const workday = (date: string, name: string): CalendarDay => ({ date, kind: 'workday', name });
export const calendar2026: CalendarDay[] = [
  ...range('2026-01-01', '2026-01-03', '元旦'),
  workday('2026-01-04', '元旦调休上班'),
  workday('2026-02-14', '春节调休上班'),
  ...range('2026-02-15', '2026-02-23', '春节'),
  workday('2026-02-28', '春节调休上班'),
  ...range('2026-04-04', '2026-04-06', '清明节'),
  ...range('2026-05-01', '2026-05-05', '劳动节'),
  workday('2026-05-09', '劳动节调休上班'),
  ...range('2026-06-19', '2026-06-21', '端午节'),
  workday('2026-09-20', '国庆节调休上班'),
  ...range('2026-09-25', '2026-09-27', '中秋节'),
  ...range('2026-10-01', '2026-10-07', '国庆节'),
  workday('2026-10-10', '国庆节调休上班'),
];

/** Loads the base configuration into an empty catalogue. Returns false when categories exist already. */
export async function seedEventConfig(db: Kysely<DB>): Promise<boolean> {
  const existing = await db.selectFrom('event_category').select('code').limit(1).executeTakeFirst();
  if (existing) return false;
  const categories = [
    ...taxonomyRows().map((r) => ({ kind: kindOf(r.kind), majorCode: r.major_code, majorName: r.major_name, minorCode: r.minor_code, minorName: r.minor_name, nameEn: r.name_en || null, isExtension: false })),
    ...extensions.map((e) => ({ ...e, isExtension: true })),
  ].map((c) => ({ ...c, code: categoryCode(c.kind, c.majorCode, c.minorCode) }));
  await db.transaction().execute(async (trx) => {
    await trx
      .insertInto('event_category')
      .values(
        categories.map((c) => ({
          code: c.code,
          kind: c.kind,
          major_code: c.majorCode,
          major_name: c.majorName,
          minor_code: c.minorCode,
          minor_name: c.minorName,
          name_en: c.nameEn,
          is_extension: c.isExtension,
          auto_dispatch: autoDispatch.has(c.code),
          reminder_allowed: reminderAllowed.has(c.code),
        })),
      )
      .execute();
    await trx
      .insertInto('event_standard')
      .values(
        categories.flatMap((c) =>
          standardsFor(c.code).map(([registerCondition, closeCondition, limitValue, limitUnit], sort) => ({
            category_code: c.code,
            register_condition: registerCondition,
            close_condition: closeCondition,
            limit_value: limitValue,
            limit_unit: limitUnit,
            default_organization_id: null,
            sort,
          })),
        ),
      )
      .execute();
    await trx.insertInto('work_calendar_day').values(calendar2026.map((d) => ({ day: d.date, kind: d.kind, name: d.name }))).onConflict((oc) => oc.column('day').doNothing()).execute();
  });
  return true;
}
