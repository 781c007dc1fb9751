import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../auth/auth.plugin.ts';
import { runCommand } from '../../http/command.ts';
import type { Locale } from '../../i18n/messages.ts';
import { buildXlsx, formatShanghai, type XlsxColumn } from '../../lib/xlsx-export.ts';
import type { Dictionaries, FieldSpec, RecordKind, SheetKind } from './record-kind.ts';
import type { RecordFilterQuery } from './registry.schema.ts';
import { loadDictionaries, registryRepo, toFilter } from './registry.service.ts';
import { presentRecord } from './views.ts';

/** Exports hold at most this many records (the newest first, as the list shows them). */
export const exportRowLimit = 200_000;

type View = ReturnType<typeof presentRecord> & Record<string, unknown>;

/** A field's value as a person reads it in a sheet: labels for codes, 是/否, Shanghai times. */
function cellValue(field: FieldSpec, value: unknown, locale: Locale, dictionaries: Dictionaries): string | number | null {
  if (value === null || value === undefined) return null;
  const label = (o: { zh: string; en: string }) => (locale === 'en' ? o.en : o.zh);
  switch (field.type) {
    case 'enum':
      return label(field.options!.find((o) => o.value === value) ?? { zh: String(value), en: String(value) });
    case 'dictionary':
    case 'tags': {
      const items = dictionaries.get(field.dictionary!) ?? [];
      const values = Array.isArray(value) ? value : [value];
      return values.map((v) => label(items.find((i) => i.value === v) ?? { zh: String(v), en: String(v) })).join('、');
    }
    case 'boolean':
      return value ? (locale === 'en' ? 'yes' : '是') : locale === 'en' ? 'no' : '否';
    case 'datetime':
      return formatShanghai(new Date(String(value)));
    default:
      return value as string | number;
  }
}

/** The columns of a kind's sheet: its fields (the import columns, personal ones masked), then where it lies. */
export function exportColumns(kind: RecordKind, locale: Locale, dictionaries: Dictionaries): XlsxColumn<View>[] {
  const en = locale === 'en';
  const columns: XlsxColumn<View>[] = kind.fields.map((field) => ({ header: en ? field.en : field.zh, value: (v) => cellValue(field, v[field.key], locale, dictionaries) }));
  if (kind.entity === 'person') {
    columns.push({ header: en ? 'Gender' : '性别', value: (v) => (v.gender === 'M' ? (en ? 'male' : '男') : en ? 'female' : '女') });
    columns.push({ header: en ? 'Birth date' : '出生日期', value: (v) => v.birthDate as string });
  }
  columns.push(
    { header: en ? 'Village' : '村（社区）', value: (v) => v.villageName },
    { header: en ? 'Grid' : '网格', value: (v) => v.gridName },
    { header: en ? 'Grid code' : '网格编码', value: (v) => v.gridCode },
    { header: en ? 'Updated' : '更新时间', width: 20, value: (v) => formatShanghai(new Date(v.updatedAt)) },
  );
  return columns;
}

/**
 * The current filtered list as XLSX. Personal fields stay masked; text that Excel would run as a
 * formula is escaped (buildXlsx). Exporting personal data is audited: who, which kind, how many, which filter.
 */
export async function exportRecords(request: FastifyRequest, kind: RecordKind, query: RecordFilterQuery): Promise<Buffer> {
  const actor = actorOf(request);
  const rows = await registryRepo.exportRows(request.server.db, kind, actor.scope, toFilter(request, kind, query), exportRowLimit);
  const dictionaries = await loadDictionaries(request.server.db);
  const views = rows.map((row) => presentRecord(kind, row) as View);
  const body = await buildXlsx(actor.locale === 'en' ? kind.label.en : kind.label.zh, exportColumns(kind, actor.locale, dictionaries), views);
  await runCommand(request, async (_trx, audit) => {
    audit({ action: `registry:${kind.entity}:export`, entityType: kind.entity, entityId: null, divisionCode: actor.divisionCode, details: { rows: views.length, filter: auditedFilter(query) } });
  });
  return body;
}

/** The filter as the audit trail keeps it: a searched ID number or phone is not copied there. */
const auditedFilter = (query: RecordFilterQuery) => ({
  ...query,
  keyword: query.keyword && /\d{6,}/.test(query.keyword) ? '(number)' : query.keyword,
  polygon: query.polygon ? '(polygon)' : undefined,
});

/**
 * The import template of a kind: one sheet with the Chinese headers (`*` marks required columns),
 * and a sheet explaining each column (format, allowed values).
 */
export async function importTemplate(kind: SheetKind, dictionaries: Dictionaries, hints: Record<string, string> = {}): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(kind.label.zh);
  const required = (f: FieldSpec) => f.required && !(kind.locatedByHouse && (f.key === 'lng' || f.key === 'lat'));
  sheet.columns = kind.fields.map((f) => ({ header: required(f) ? `${f.zh}*` : f.zh, width: Math.max(12, f.zh.length * 3), style: { numFmt: '@' } }));
  sheet.getRow(1).font = { bold: true };
  const notes = workbook.addWorksheet('填写说明');
  notes.columns = [
    { header: '列名', width: 16 },
    { header: '英文名', width: 20 },
    { header: '必填', width: 8 },
    { header: '填写要求', width: 80 },
  ];
  notes.getRow(1).font = { bold: true };
  for (const field of kind.fields) notes.addRow([field.zh, field.en, required(field) ? '是' : '', hints[field.key] ?? fieldHint(field, dictionaries)]);
  notes.addRow([]);
  if (kind.fields.some((f) => f.key === 'lng')) notes.addRow(['坐标系', 'crs', '', '默认 WGS84/CGCS2000（天地图、GPS）；高德/腾讯坐标（GCJ02）、百度坐标（BD09）请在导入时选择坐标系']);
  if (kind.locatedByHouse) notes.addRow(['位置', 'location', '', '填写经纬度，或填写已登记的房屋地址（使用房屋的位置）']);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function fieldHint(field: FieldSpec, dictionaries: Dictionaries): string {
  switch (field.type) {
    case 'enum':
      return `取值：${field.options!.map((o) => o.zh).join('、')}`;
    case 'dictionary':
      return `取值：${(dictionaries.get(field.dictionary!) ?? []).map((i) => i.zh).join('、')}`;
    case 'tags':
      return `可填多个，用顿号或逗号分隔：${(dictionaries.get(field.dictionary!) ?? []).map((i) => i.zh).join('、')}`;
    case 'boolean':
      return '是 / 否';
    case 'integer':
    case 'number':
      return field.min !== undefined ? `数字，${field.min}～${field.max}` : '数字';
    case 'datetime':
      return '日期时间，如 2026-11-26 14:05（北京时间）';
    case 'text':
      if (field.key === 'idNumber') return '18 位居民身份证号码，末位 X 大写；请将本列设为文本格式';
      if (field.key === 'creditCode') return '18 位统一社会信用代码';
      if (field.key === 'phone') return '11 位手机号或区号-座机号';
      if (field.key === 'channelId') return '摄像机必填：20 位 GB/T 28181 国标编码（类型码 131/132）';
      if (field.key === 'serialNo') return '传感器必填：设备序列号';
      if (field.key === 'householdNo') return '同一户的人员填写相同户号；新户号将自动建户';
      return `文字，最多 ${field.maxLength ?? 200} 字`;
  }
}
