import type { FastifyRequest } from 'fastify';
import type { Transaction } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import { actorOf } from '../../../auth/auth.plugin.ts';
import { coversCounty, divisionInScope, type DataScope } from '../../../auth/actor.ts';
import { AppError, invalidReference, notFound } from '../../../http/errors.ts';
import { runCommand } from '../../../http/command.ts';
import { pageWindow, type PageQuery } from '../../../http/pagination.ts';
import { configRepo, type RuleFilter, type RuleRow, type RuleValues } from './config.repo.ts';

function presentRule(r: RuleRow) {
  return {
    id: r.id,
    categoryCode: r.category_code,
    categoryName: r.category_name,
    divisionCode: r.division_code,
    divisionName: r.division_name,
    source: r.source,
    organizationId: r.organization_id,
    organizationName: r.organization_name,
    priority: r.priority,
    active: r.active,
  };
}

const ruleAudit = (r: RuleRow) => ({ category_code: r.category_code, division_code: r.division_code, source: r.source, organization_id: r.organization_id, priority: r.priority, active: r.active });

export interface RuleInput {
  categoryCode: string | null;
  divisionCode: string | null;
  source: string | null;
  organizationId: number;
  priority: number;
  active: boolean;
}

/**
 * A rule's area must lie in the actor's division (an any-area rule needs a county-level actor), its
 * category must exist, and a newly named organisation must be one the actor may see (an unchanged one
 * may have been chosen by a wider actor, e.g. a town squad on a village rule).
 */
async function checkRule(trx: Transaction<DB>, scope: DataScope, rule: RuleInput, organizationNamed: boolean) {
  if (rule.divisionCode === null ? !coversCounty(scope) : !divisionInScope(scope, rule.divisionCode)) {
    throw new AppError('OUT_OF_SCOPE', 400, { field: '/divisionCode' }, [{ field: '/divisionCode', code: 'OUT_OF_SCOPE' }]);
  }
  if (rule.divisionCode !== null && !(await configRepo.divisionExists(trx, rule.divisionCode))) throw invalidReference('/divisionCode');
  if (rule.categoryCode !== null && !(await configRepo.findCategory(trx, rule.categoryCode))) throw invalidReference('/categoryCode');
  if (organizationNamed && !(await configRepo.organizationInScope(trx, scope, rule.organizationId))) throw invalidReference('/organizationId');
}

const toValues = (rule: RuleInput): RuleValues => ({
  category_code: rule.categoryCode,
  division_code: rule.divisionCode,
  source: rule.source,
  organization_id: rule.organizationId,
  priority: rule.priority,
  active: rule.active,
});

export async function listRules(request: FastifyRequest, query: PageQuery & RuleFilter) {
  const window = pageWindow(query);
  const { total, items } = await configRepo.listRules(request.server.db, actorOf(request).scope, query, window);
  return { items: items.map(presentRule), total, page: window.page, pageSize: window.pageSize };
}

export async function createRule(request: FastifyRequest, body: Omit<RuleInput, 'active'> & { active?: boolean }) {
  const scope = actorOf(request).scope;
  const rule = { ...body, active: body.active ?? true };
  const created = await runCommand(request, async (trx, audit) => {
    await checkRule(trx, scope, rule, true);
    const id = await configRepo.insertRule(trx, toValues(rule));
    const row = (await configRepo.findRule(trx, scope, id))!;
    // An any-area rule is deployment-wide: its audit record has no division, like other deployment-wide changes.
    audit({ action: 'event:routing:create', entityType: 'routing_rule', entityId: id, divisionCode: row.division_code, after: ruleAudit(row) });
    return row;
  });
  request.server.eventConfig.invalidate();
  return presentRule(created);
}

export async function updateRule(request: FastifyRequest, id: number, body: Partial<RuleInput>) {
  const scope = actorOf(request).scope;
  const updated = await runCommand(request, async (trx, audit) => {
    const before = await configRepo.findRule(trx, scope, id);
    if (!before) throw notFound();
    const rule: RuleInput = {
      categoryCode: body.categoryCode === undefined ? before.category_code : body.categoryCode,
      divisionCode: body.divisionCode === undefined ? before.division_code : body.divisionCode,
      source: body.source === undefined ? before.source : body.source,
      organizationId: body.organizationId ?? before.organization_id,
      priority: body.priority ?? before.priority,
      active: body.active ?? before.active,
    };
    await checkRule(trx, scope, rule, body.organizationId !== undefined);
    await configRepo.updateRule(trx, id, toValues(rule));
    const after = (await configRepo.findRule(trx, scope, id))!;
    audit({ action: 'event:routing:update', entityType: 'routing_rule', entityId: id, divisionCode: after.division_code, before: ruleAudit(before), after: ruleAudit(after) });
    return after;
  });
  request.server.eventConfig.invalidate();
  return presentRule(updated);
}

export async function deleteRule(request: FastifyRequest, id: number) {
  const scope = actorOf(request).scope;
  await runCommand(request, async (trx, audit) => {
    const before = await configRepo.findRule(trx, scope, id);
    if (!before) throw notFound();
    await configRepo.deleteRule(trx, id);
    audit({ action: 'event:routing:delete', entityType: 'routing_rule', entityId: id, divisionCode: before.division_code, before: ruleAudit(before) });
  });
  request.server.eventConfig.invalidate();
}
