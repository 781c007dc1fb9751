import type { Kysely } from 'kysely';
import type { DB, DataScopeKind } from '../db/schema.ts';

/**
 * Built-in roles and dictionaries every deployment starts with. Inserted when missing, never
 * overwritten: admins edit them afterwards and their edits stay.
 */
export const builtinRoles: { code: string; nameZh: string; nameEn: string; dataScope: DataScopeKind; permissions: string[] }[] = [
  { code: 'admin', nameZh: '系统管理员', nameEn: 'System administrator', dataScope: 'division', permissions: ['*:*:*'] },
  {
    code: 'command_center',
    nameZh: '指挥室值班员',
    nameEn: 'Command-center staff',
    dataScope: 'division',
    permissions: ['system:user:read', 'system:division:read', 'system:organization:read', 'file:file:upload', 'file:file:read'],
  },
  {
    code: 'leader',
    nameZh: '镇领导',
    nameEn: 'Town leader',
    dataScope: 'division',
    permissions: ['system:user:read', 'system:division:read', 'system:organization:read', 'system:audit:read', 'file:file:read'],
  },
  { code: 'department_handler', nameZh: '部门处置人员', nameEn: 'Department handler', dataScope: 'organization', permissions: ['file:file:upload', 'file:file:read'] },
  {
    code: 'village_admin',
    nameZh: '村社管理员',
    nameEn: 'Village administrator',
    dataScope: 'division',
    permissions: ['system:user:read', 'system:user:create', 'system:user:update', 'system:division:read', 'system:organization:read', 'file:file:upload', 'file:file:read'],
  },
  { code: 'grid_worker', nameZh: '网格员', nameEn: 'Grid worker', dataScope: 'division', permissions: ['file:file:upload', 'file:file:read'] },
  { code: 'fund_staff', nameZh: '公积金中心工作人员', nameEn: 'Provident-fund staff', dataScope: 'organization', permissions: ['file:file:upload', 'file:file:read'] },
  { code: 'auditor', nameZh: '安全审计员', nameEn: 'Security auditor', dataScope: 'division', permissions: ['system:audit:read', 'system:audit:export', 'system:login-log:read'] },
];

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
  await db
    .insertInto('role')
    .values(builtinRoles.map((r) => ({ code: r.code, name_zh: r.nameZh, name_en: r.nameEn, data_scope: r.dataScope, permissions: r.permissions, builtin: true })))
    .onConflict((oc) => oc.column('code').doNothing())
    .execute();
  const items = Object.entries(builtinDictionaries).flatMap(([type, list]) =>
    list.map(([value, labelZh, labelEn, color], sort) => ({ dict_type: type, value, label_zh: labelZh, label_en: labelEn, color, sort })),
  );
  await db.insertInto('dictionary_item').values(items).onConflict((oc) => oc.columns(['dict_type', 'value']).doNothing()).execute();
}
