import type { FastifyRequest } from 'fastify';
import type { Selectable } from 'kysely';
import { actorOf } from '../../auth/auth.plugin.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { checkCountyLevel } from '../events/config/county-level.ts';
import { configRepo } from '../events/config/config.repo.ts';
import { loadSettings, outreachSettingKey, type OutreachSettings } from './settings.ts';
import { renderTemplate, reminderTime, templateVariables, validateTemplate, type TemplateValues } from './templates.ts';
import { outreachRepo } from './outreach.repo.ts';
import type { OutreachTemplateTable } from './outreach.tables.ts';
import type { PolicyBody, TemplateCreate, TemplateUpdate } from './outreach.schema.ts';

/**
 * Templates, per-category policies and the outreach settings: deployment-wide configuration (like the
 * event catalogue), so only a county-level actor with outreach:template:update changes them.
 */
const permission = 'outreach:template:update';

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

export const templateView = (t: Selectable<OutreachTemplateTable>) => ({
  id: t.id,
  categoryCode: t.category_code,
  channel: t.channel,
  body: t.body,
  providerTemplateCode: t.provider_template_code,
  active: t.active,
  updatedAt: t.updated_at.toISOString(),
});

/** Every category that allows reminders, with its policy and templates, and the defaults. */
export async function templateCatalog(request: FastifyRequest) {
  const db = request.server.db;
  const [categories, templates, policies, settings] = await Promise.all([outreachRepo.reminderCategories(db), outreachRepo.templates(db), outreachRepo.policies(db), loadSettings(db)]);
  const policyOf = new Map(policies.map((p) => [p.category_code, p]));
  return {
    variables: [...templateVariables],
    defaults: templates.filter((t) => t.category_code === null).map(templateView),
    categories: categories.map((c) => {
      const policy = policyOf.get(c.code);
      return {
        code: c.code,
        name: c.minor_name,
        nameEn: c.name_en,
        graceMinutes: policy?.grace_minutes ?? settings.defaultGraceMinutes,
        channels: policy?.channels ?? settings.defaultChannels,
        party: policy?.party ?? 'spot',
        ownPolicy: Boolean(policy),
        templates: templates.filter((t) => t.category_code === c.code).map(templateView),
      };
    }),
  };
}

/** Field errors of a body, at `/body`. */
function checkBody(body: string) {
  const problems = validateTemplate(body);
  if (problems.length === 0) return;
  throw new AppError('VALIDATION_FAILED', 400, {}, problems.map((p) => ({ field: '/body', ...p })));
}

async function checkCategory(request: FastifyRequest, code: string | null, field: string) {
  if (code === null) return;
  if (!(await configRepo.findCategory(request.server.db, code))) {
    throw new AppError('VALIDATION_FAILED', 400, {}, [{ field, code: 'EVENT_CATEGORY_UNKNOWN', params: { code } }]);
  }
}

const auditView = (t: Selectable<OutreachTemplateTable>) => ({ category_code: t.category_code, channel: t.channel, body: t.body, provider_template_code: t.provider_template_code, active: t.active });

export async function createTemplate(request: FastifyRequest, body: TemplateCreate) {
  checkCountyLevel(request, permission);
  checkBody(body.body);
  await checkCategory(request, body.categoryCode, '/categoryCode');
  const actor = actorOf(request);
  try {
    return await runCommand(request, async (trx, audit) => {
      const created = await outreachRepo.insertTemplate(trx, { category_code: body.categoryCode, channel: body.channel, body: body.body, provider_template_code: body.providerTemplateCode ?? null, active: body.active ?? true, updated_by: actor.id, updated_at: new Date() });
      audit({ action: 'outreach:template:create', entityType: 'outreach_template', entityId: created.id, after: auditView(created) });
      return templateView(created);
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('OUTREACH_TEMPLATE_EXISTS', 409);
    throw error;
  }
}

export async function updateTemplate(request: FastifyRequest, id: number, body: TemplateUpdate) {
  checkCountyLevel(request, permission);
  checkBody(body.body);
  const actor = actorOf(request);
  return runCommand(request, async (trx, audit) => {
    const before = await outreachRepo.template(trx, id);
    if (!before) throw notFound();
    const after = await outreachRepo.updateTemplate(trx, id, {
      body: body.body,
      provider_template_code: body.providerTemplateCode === undefined ? before.provider_template_code : body.providerTemplateCode,
      active: body.active ?? before.active,
      updated_by: actor.id,
      updated_at: new Date(),
    });
    audit({ action: 'outreach:template:update', entityType: 'outreach_template', entityId: id, before: auditView(before), after: auditView(after) });
    return templateView(after);
  });
}

/** Removes a category's own template: the category falls back to the default one. */
export async function deleteTemplate(request: FastifyRequest, id: number) {
  checkCountyLevel(request, permission);
  await runCommand(request, async (trx, audit) => {
    const before = await outreachRepo.template(trx, id);
    if (!before) throw notFound();
    await outreachRepo.deleteTemplate(trx, id);
    audit({ action: 'outreach:template:delete', entityType: 'outreach_template', entityId: id, before: auditView(before) });
  });
}

/** A body as one reminder would read, with example values (the category's name when given). */
export async function previewTemplate(request: FastifyRequest, body: string, categoryCode: string | undefined) {
  // A POST that writes nothing: there is nothing to audit.
  request.audited = true;
  checkBody(body);
  const db = request.server.db;
  const [settings, category] = await Promise.all([loadSettings(db), categoryCode ? request.server.eventConfig.category(categoryCode) : undefined]);
  const policy = categoryCode ? await outreachRepo.policy(db, categoryCode) : undefined;
  const values: TemplateValues = {
    place: '古林镇薛家村布政路12号',
    party: '古林王记便利店',
    category: category?.minorName ?? '机动车乱停放',
    time: reminderTime(new Date()),
    deadline_minutes: String(policy?.grace_minutes ?? settings.defaultGraceMinutes),
    sign: settings.sign,
  };
  const rendered = renderTemplate(body, values);
  const text = 'text' in rendered ? rendered.text : body;
  return { text, length: [...text].length };
}

export async function putPolicy(request: FastifyRequest, code: string, body: PolicyBody) {
  checkCountyLevel(request, permission);
  await checkCategory(request, code, '/code');
  return runCommand(request, async (trx, audit) => {
    const before = await outreachRepo.policy(trx, code);
    const party = body.party ?? before?.party ?? 'spot';
    await outreachRepo.putPolicy(trx, { category_code: code, grace_minutes: body.graceMinutes, channels: body.channels, party, updated_at: new Date() });
    audit({
      action: 'outreach:template:update',
      entityType: 'outreach_policy',
      entityId: code,
      before: before ? { grace_minutes: before.grace_minutes, channels: before.channels, party: before.party } : null,
      after: { grace_minutes: body.graceMinutes, channels: body.channels, party },
    });
    return { categoryCode: code, graceMinutes: body.graceMinutes, channels: body.channels, party };
  });
}

export const getSettings = (request: FastifyRequest) => loadSettings(request.server.db);

export async function putSettings(request: FastifyRequest, settings: OutreachSettings) {
  checkCountyLevel(request, permission);
  await runCommand(request, async (trx, audit) => {
    const before = await loadSettings(trx);
    await configRepo.putSetting(trx, outreachSettingKey, settings);
    audit({ action: 'outreach:template:update', entityType: 'setting', entityId: outreachSettingKey, before: { value: before }, after: { value: settings } });
  });
  return settings;
}
