import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import type { RuleIssue } from './alarm-rules.ts';
import { checkRule, presentRule, ruleColumns, type RuleInput } from './alarm-rule-input.ts';
import { defaultRules } from './seed/default-rules.ts';

/** Alarm rules are data: admins list, add, change and import them; the intake picks changes up at once. */
export async function listRules(request: FastifyRequest, sensorKind: string | undefined) {
  let q = request.server.db.selectFrom('alarm_rule').selectAll().orderBy('sensor_kind').orderBy('id');
  if (sensorKind) q = q.where('sensor_kind', '=', sensorKind);
  return { items: (await q.execute()).map(presentRule) };
}

export const ruleDefaults = () => ({ rules: defaultRules });

/** Semantic checks that need the database: the sensor kind and event category must exist. */
async function checkRules(trx: Transaction<DB>, rules: readonly RuleInput[], prefix: (i: number) => string): Promise<void> {
  const [kinds, categories] = await Promise.all([
    trx.selectFrom('dictionary_item').select('value').where('dict_type', '=', 'sensor_kind').execute(),
    trx.selectFrom('event_category').select('code').where('active', '=', true).execute(),
  ]);
  const kindSet = new Set(kinds.map((k) => k.value));
  const categorySet = new Set(categories.map((c) => c.code));
  const issues: RuleIssue[] = [];
  rules.forEach((rule, i) => {
    const at = prefix(i);
    issues.push(...checkRule(rule, at));
    if (!kindSet.has(rule.sensorKind)) issues.push({ field: `${at}/sensorKind`, code: 'UNKNOWN_VALUE', params: { value: rule.sensorKind } });
    if (rule.eventCategory && !categorySet.has(rule.eventCategory)) issues.push({ field: `${at}/eventCategory`, code: 'EVENT_CATEGORY_UNKNOWN', params: { code: rule.eventCategory } });
  });
  if (issues.length) throw new AppError('VALIDATION_FAILED', 400, {}, issues);
}

const ruleAudit = (rule: RuleInput) => ({ ...rule, levels: JSON.stringify(rule.levels), clear: rule.clear ? JSON.stringify(rule.clear) : null });

export async function createRule(request: FastifyRequest, rule: RuleInput) {
  const row = await runCommand(request, async (trx, audit) => {
    await checkRules(trx, [rule], () => '');
    const taken = await trx.selectFrom('alarm_rule').select('id').where('sensor_kind', '=', rule.sensorKind).where('alarm_type', '=', rule.alarmType).executeTakeFirst();
    if (taken) throw new AppError('ALREADY_EXISTS', 409, { entity: 'alarmRule', value: `${rule.sensorKind}/${rule.alarmType}` });
    const row = await trx.insertInto('alarm_rule').values(ruleColumns(rule)).returningAll().executeTakeFirstOrThrow();
    audit({ action: 'device:alarm-rule:create', entityType: 'alarm_rule', entityId: row.id, after: ruleAudit(rule) });
    return row;
  });
  await request.server.deviceIntake.reloadRules();
  return presentRule(row);
}

export async function updateRule(request: FastifyRequest, id: number, rule: RuleInput) {
  const row = await runCommand(request, async (trx, audit) => {
    const before = await trx.selectFrom('alarm_rule').selectAll().where('id', '=', id).executeTakeFirst();
    if (!before) throw notFound();
    await checkRules(trx, [rule], () => '');
    const taken = await trx.selectFrom('alarm_rule').select('id').where('sensor_kind', '=', rule.sensorKind).where('alarm_type', '=', rule.alarmType).where('id', '<>', id).executeTakeFirst();
    if (taken) throw new AppError('ALREADY_EXISTS', 409, { entity: 'alarmRule', value: `${rule.sensorKind}/${rule.alarmType}` });
    const row = await trx.updateTable('alarm_rule').set({ ...ruleColumns(rule), updated_at: new Date() }).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
    const { id: _id, updatedAt: _u, ...beforeView } = presentRule(before);
    audit({ action: 'device:alarm-rule:update', entityType: 'alarm_rule', entityId: id, before: ruleAudit(beforeView as RuleInput), after: ruleAudit(rule) });
    return row;
  });
  await request.server.deviceIntake.reloadRules();
  return presentRule(row);
}

/** Rules by (sensor kind, alarm type): new ones added, existing ones replaced; all checked first, all or nothing. */
export async function importRules(request: FastifyRequest, rules: RuleInput[]) {
  const result = await runCommand(request, async (trx, audit) => {
    await checkRules(trx, rules, (i) => `/rules/${i}`);
    const seen = new Set<string>();
    rules.forEach((rule, i) => {
      const key = `${rule.sensorKind}/${rule.alarmType}`;
      if (seen.has(key)) throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: `/rules/${i}/alarmType`, code: 'duplicateRow', params: { row: key } }]);
      seen.add(key);
    });
    let created = 0;
    let updated = 0;
    for (const rule of rules) {
      const existing = await trx.selectFrom('alarm_rule').select('id').where('sensor_kind', '=', rule.sensorKind).where('alarm_type', '=', rule.alarmType).executeTakeFirst();
      if (existing) {
        await trx.updateTable('alarm_rule').set({ ...ruleColumns(rule), updated_at: new Date() }).where('id', '=', existing.id).execute();
        updated++;
      } else {
        await trx.insertInto('alarm_rule').values(ruleColumns(rule)).execute();
        created++;
      }
    }
    audit({ action: 'device:alarm-rule:import', entityType: 'alarm_rule', entityId: null, details: { created, updated, rules: [...seen] } });
    return { created, updated };
  });
  await request.server.deviceIntake.reloadRules();
  return result;
}
