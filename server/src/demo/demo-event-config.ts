import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { DemoVillage } from './demo-town.ts';

/**
 * Who handles what in the demo town: routing rules and the default responsible unit of each
 * 立案条件. Demo data, as a town's command center would set it up (runs after the base catalogue seed).
 *
 * - 街面秩序 → the enforcement squad of the village: squad 1 for communities, squad 2 for villages;
 * - 市容环境 → 环境卫生管理所, except AI-detected exposed rubbish → the cleaning company (by source),
 *   and 私搭乱建 → enforcement and the construction office together (two equal rules: a suggestion);
 * - 宣传广告 → enforcement; 施工管理 → construction office; 突发事件 → emergency office, 群发性事件 → police;
 * - 部件 → construction office, except 消防设施 → fire brigade and 市容环境设施 → 环境卫生管理所;
 * - 火灾报警 (IoT smoke and electrical-fire alarms) → fire brigade.
 */
function ownerOf(code: string): string[] {
  const major = code.slice(0, 3);
  if (code === 'E0101') return ['GL-ENF', 'GL-BUILD'];
  if (code === 'E0409') return ['GL-POLICE'];
  if (code === 'C0113' || code === 'E0450') return ['GL-FIRE'];
  const byMajor: Record<string, string> = { E01: 'GL-ENV', E02: 'GL-ENF', E03: 'GL-BUILD', E04: 'GL-EMERG', E05: 'GL-ENF', C03: 'GL-ENV' };
  return [byMajor[major] ?? 'GL-BUILD'];
}

/** Communities are numbered 001–199, villages 200–399 (statistical division codes). */
const squadOf = (villageCode: string) => (Number(villageCode.slice(-3)) < 200 ? 'GL-ENF-1' : 'GL-ENF-2');

export async function seedDemoEventConfig(trx: Transaction<DB>, townCode: string, organizationIds: Map<string, number>, villages: DemoVillage[]): Promise<void> {
  const id = (code: string) => organizationIds.get(code)!;
  const categories = (await trx.selectFrom('event_category').select('code').orderBy('code').execute()).map((c) => c.code);
  const rules = [
    ...categories.flatMap((code) => ownerOf(code).map((org) => ({ category_code: code, division_code: townCode, source: null, organization_id: id(org), priority: 0 }))),
    ...categories
      .filter((code) => code.startsWith('E05'))
      .flatMap((code) => villages.map((v) => ({ category_code: code, division_code: v.code, source: null, organization_id: id(squadOf(v.code)), priority: 10 }))),
    { category_code: 'E0102', division_code: townCode, source: 'video_ai', organization_id: id('GL-CLEAN'), priority: 10 },
  ];
  await trx.insertInto('routing_rule').values(rules).execute();
  const codesByOwner = new Map<string, string[]>();
  for (const code of categories) codesByOwner.set(ownerOf(code)[0]!, [...(codesByOwner.get(ownerOf(code)[0]!) ?? []), code]);
  for (const [owner, codes] of codesByOwner) {
    await trx.updateTable('event_standard').set({ default_organization_id: id(owner) }).where('category_code', 'in', codes).execute();
  }
}
