import { sql, type Kysely } from 'kysely';
import type { DB, OrganizationKind } from '../db/schema.ts';
import { hashPassword } from '../auth/passwords.ts';
import { seededRandom } from './random.ts';
import { seedDemoBoundaries } from './demo-boundaries.ts';
import { seedDemoEventConfig } from './demo-event-config.ts';
import { demoRegistryOptions, seedDemoRegistry, type DemoRegistryOptions } from './demo-registry.ts';
import { seedDemoEvents } from './demo-events.ts';
import { seedDemoOpen311 } from './demo-open311.ts';
import { seedDemoIot } from './demo-iot.ts';
import { seedDemoVideo } from './demo-video.ts';

/**
 * A deterministic demo town modelled on 古林镇 (海曙区, 宁波): 34 villages and communities, their
 * unit grids, the town's organisations and one demo account per role. Names are plausible, not official.
 */
export const demoCounty = { code: '330203', name: '海曙区' };
export const demoTown = { code: '330203103', name: '古林镇' };
export const demoPassword = 'Gongzhi@2026';

const communities = ['薛家社区', '古林社区', '布政社区', '蜃蛟社区', '新虹社区', '广德湖社区'];
const villages = [
  '薛家村', '岳童村', '布政村', '茂新村', '蜃蛟村', '仲一村', '戴家村', '新汪村', '葑水港村', '周韩村',
  '前虞村', '西洋港村', '龙三村', '官山村', '张家潭村', '俞家村', '郑家村', '施家村', '林家村', '礼嘉桥村',
  '车何村', '古林村', '夏家村', '前周村', '藕缆桥村', '晴江村', '石马塘村', '虹星村',
];

export interface DemoVillage {
  code: string;
  name: string;
  gridCodes: string[];
}

/** Village codes follow the statistical rule: 001–199 residents' committees, 200–399 villages. */
export function demoVillages(): DemoVillage[] {
  const random = seededRandom(20261126);
  const list = [
    ...communities.map((name, i) => ({ code: `${demoTown.code}${String(i + 1).padStart(3, '0')}`, name, grids: random.int(10, 14) })),
    ...villages.map((name, i) => ({ code: `${demoTown.code}${String(201 + i).padStart(3, '0')}`, name, grids: random.int(6, 9) })),
  ];
  return list.map((v) => ({ code: v.code, name: v.name, gridCodes: Array.from({ length: v.grids }, (_, i) => `${v.code}${String(i + 1).padStart(2, '0')}`) }));
}

const townOrganizations: { code: string; name: string; kind: OrganizationKind; parent?: string }[] = [
  { code: 'GL-CMD', name: '古林镇综合信息指挥室', kind: 'command_center' },
  { code: 'GL-LINE-PARTY', name: '党建统领跑道', kind: 'line' },
  { code: 'GL-LINE-ECO', name: '经济生态跑道', kind: 'line' },
  { code: 'GL-LINE-SAFE', name: '平安法治跑道', kind: 'line' },
  { code: 'GL-LINE-PUBLIC', name: '公共服务跑道', kind: 'line' },
  { code: 'GL-ENF', name: '古林综合行政执法队', kind: 'law_enforcement', parent: 'GL-LINE-SAFE' },
  { code: 'GL-ENF-1', name: '执法一中队', kind: 'law_enforcement', parent: 'GL-ENF' },
  { code: 'GL-ENF-2', name: '执法二中队', kind: 'law_enforcement', parent: 'GL-ENF' },
  { code: 'GL-BUILD', name: '村镇建设办公室', kind: 'department', parent: 'GL-LINE-ECO' },
  { code: 'GL-EMERG', name: '应急管理办公室', kind: 'department', parent: 'GL-LINE-SAFE' },
  { code: 'GL-MARKET', name: '古林市场监管所', kind: 'department', parent: 'GL-LINE-ECO' },
  { code: 'GL-POLICE', name: '古林派出所', kind: 'department', parent: 'GL-LINE-SAFE' },
  { code: 'GL-SOCIAL', name: '社会事务办公室', kind: 'department', parent: 'GL-LINE-PUBLIC' },
  { code: 'GL-AGRI', name: '农业农村办公室', kind: 'department', parent: 'GL-LINE-ECO' },
  { code: 'GL-ENV', name: '环境卫生管理所', kind: 'department', parent: 'GL-LINE-ECO' },
  { code: 'GL-FIRE', name: '古林专职消防队', kind: 'auxiliary_force', parent: 'GL-LINE-SAFE' },
  { code: 'GL-PATROL', name: '治安巡防队', kind: 'auxiliary_force', parent: 'GL-LINE-SAFE' },
  { code: 'GL-CLEAN', name: '保洁服务公司', kind: 'auxiliary_force', parent: 'GL-ENV' },
  { code: 'GL-FUND', name: '住房公积金古林服务点', kind: 'service', parent: 'GL-LINE-PUBLIC' },
];

export const demoAccounts = [
  { username: 'admin', displayName: '系统管理员', role: 'admin', division: demoCounty.code, org: null },
  { username: 'command', displayName: '王指挥', role: 'command_center', division: demoTown.code, org: 'GL-CMD' },
  { username: 'leader', displayName: '陈镇长', role: 'leader', division: demoTown.code, org: null },
  { username: 'dept', displayName: '李执法', role: 'department_handler', division: demoTown.code, org: 'GL-ENF' },
  { username: 'village', displayName: '薛书记', role: 'village_admin', division: `${demoTown.code}201`, org: null },
  { username: 'grid', displayName: '张网格', role: 'grid_worker', division: `${demoTown.code}20101`, org: null },
  { username: 'fund', displayName: '周公积金', role: 'fund_staff', division: demoTown.code, org: 'GL-FUND' },
  { username: 'auditor', displayName: '审计员', role: 'auditor', division: demoCounty.code, org: null },
] as const;

const surnames = ['王', '李', '张', '陈', '周', '徐', '孙', '胡', '朱', '高', '林', '何', '郭', '马', '罗', '梁', '宋', '郑', '谢', '韩'];
const givenNames = ['伟', '芳', '娜', '敏', '静', '丽', '强', '磊', '军', '洋', '勇', '艳', '杰', '娟', '涛', '明', '超', '秀英', '霞', '平', '刚', '桂英'];

/** Inserts the demo town unless divisions exist already. Returns false when it did nothing. */
export async function seedDemoTown(db: Kysely<DB>, registry: Partial<DemoRegistryOptions> = {}): Promise<boolean> {
  const existing = await db.selectFrom('division').select('code').limit(1).executeTakeFirst();
  if (existing) return false;
  const random = seededRandom(7);
  const villages = demoVillages();
  const passwordHash = await hashPassword(demoPassword);
  const options = demoRegistryOptions(registry);
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('division').values([
      { code: demoCounty.code, parent_code: null, name: demoCounty.name, level: 'county' },
      { code: demoTown.code, parent_code: demoCounty.code, name: demoTown.name, level: 'town' },
    ]).execute();
    await trx.insertInto('division').values(villages.map((v, sort) => ({ code: v.code, parent_code: demoTown.code, name: v.name, level: 'village' as const, sort }))).execute();
    await trx
      .insertInto('division')
      .values(villages.flatMap((v) => v.gridCodes.map((code, i) => ({ code, parent_code: v.code, name: `${v.name}第${i + 1}网格`, level: 'grid' as const, sort: i }))))
      .execute();

    const orgIds = new Map<string, number>();
    for (const [sort, org] of townOrganizations.entries()) {
      const row = await trx
        .insertInto('organization')
        .values({ code: org.code, name: org.name, kind: org.kind, division_code: demoTown.code, parent_id: org.parent ? orgIds.get(org.parent)! : null, sort })
        .returning('id')
        .executeTakeFirstOrThrow();
      orgIds.set(org.code, row.id);
    }
    const gridForces = await trx
      .insertInto('organization')
      .values(villages.map((v, sort) => ({ code: `GF-${v.code}`, name: `${v.name}网格力量`, kind: 'grid_force' as const, division_code: v.code, parent_id: null, sort: 100 + sort })))
      .returning(['id', 'division_code'])
      .execute();
    const gridForceByVillage = new Map(gridForces.map((g) => [g.division_code, g.id]));
    await seedDemoEventConfig(trx, demoTown.code, orgIds, villages);
    await seedDemoOpen311(trx, demoTown.code);

    const roleIds = new Map((await trx.selectFrom('role').select(['id', 'code']).execute()).map((r) => [r.code, r.id]));
    const users = [
      ...demoAccounts.map((a) => ({ username: a.username, display_name: a.displayName, division_code: a.division, organization_id: a.org ? orgIds.get(a.org)! : null, role: a.role as string })),
      ...villages.map((v) => ({ username: `v${v.code.slice(-3)}`, display_name: `${random.pick(surnames)}${random.pick(givenNames)}`, division_code: v.code, organization_id: null, role: 'village_admin' })),
      ...villages.flatMap((v) =>
        v.gridCodes.map((code) => ({ username: `g${code.slice(-5)}`, display_name: `${random.pick(surnames)}${random.pick(givenNames)}`, division_code: code, organization_id: gridForceByVillage.get(v.code)!, role: 'grid_worker' })),
      ),
    ];
    const inserted = await trx
      .insertInto('app_user')
      .values(users.map(({ role: _role, ...u }) => ({ ...u, password_hash: passwordHash })))
      .returning(['id', 'username'])
      .execute();
    const roleByUsername = new Map(users.map((u) => [u.username, u.role]));
    await trx.insertInto('user_role').values(inserted.map((u) => ({ user_id: u.id, role_id: roleIds.get(roleByUsername.get(u.username)!)! }))).execute();
    const userIds = new Map(inserted.map((u) => [u.username, u.id]));
    const gridAccount = { userId: userIds.get('grid')!, homeGrid: demoAccounts.find((a) => a.username === 'grid')!.division };
    await seedDemoBoundaries(trx, demoTown.code, villages, userIds, gridAccount);
    await seedDemoRegistry(trx, villages, options);
    await seedDemoIot(trx, villages);
    await seedDemoVideo(trx, villages, options.cipher);
  });
  // A year of events at the same scale, walked through the workflow (bulk-loaded in its own transaction).
  await seedDemoEvents(db, options);
  // Planner statistics for the bulk-loaded tables: PGlite has no autovacuum to gather them, and without
  // them the planner guesses a handful of rows and sorts a whole town's events for one page.
  await sql`ANALYZE`.execute(db);
  return true;
}
