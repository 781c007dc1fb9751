import ExcelJS from 'exceljs';
import type { FastifyRequest } from 'fastify';
import type { Selectable, Transaction } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import type { EventCategoryTable } from '../events.tables.ts';
import type { LimitUnit } from '../work-calendar.ts';
import { actorOf } from '../../../auth/auth.plugin.ts';
import type { DataScope } from '../../../auth/actor.ts';
import { AppError, invalidReference, notFound, type FieldError } from '../../../http/errors.ts';
import { runCommand } from '../../../http/command.ts';
import { pageWindow, type PageQuery } from '../../../http/pagination.ts';
import { buildXlsx } from '../../../lib/xlsx-export.ts';
import { configRepo, type CategoryFilter, type StandardRow } from './config.repo.ts';
import { checkCountyLevel } from './county-level.ts';
import { categoryCode, isExtensionMinor, kindLabels, limitProblem, maxImportRows, parseStandardRows, planImport, standardColumns, unitLabels, type CategoryKind } from './standards-table.ts';
import { readTable, uploadedBytes } from './table-file.ts';

type Category = Selectable<EventCategoryTable>;

function presentStandard(s: StandardRow) {
  return {
    id: s.id,
    categoryCode: s.category_code,
    registerCondition: s.register_condition,
    closeCondition: s.close_condition,
    limitValue: Number(s.limit_value),
    limitUnit: s.limit_unit,
    defaultOrganizationId: s.default_organization_id,
    defaultOrganizationName: s.default_organization_name,
    sort: s.sort,
    active: s.active,
  };
}

function presentCategory(c: Category, standards: StandardRow[]) {
  return {
    code: c.code,
    kind: c.kind,
    majorCode: c.major_code,
    majorName: c.major_name,
    minorCode: c.minor_code,
    minorName: c.minor_name,
    nameEn: c.name_en,
    isExtension: c.is_extension,
    active: c.active,
    autoDispatch: c.auto_dispatch,
    reminderAllowed: c.reminder_allowed,
    publicReportable: c.public_reportable,
    standards: standards.filter((s) => s.category_code === c.code).map(presentStandard),
  };
}

const categoryAudit = (c: Category) => ({ major_name: c.major_name, minor_name: c.minor_name, name_en: c.name_en, active: c.active, auto_dispatch: c.auto_dispatch, reminder_allowed: c.reminder_allowed, public_reportable: c.public_reportable });
const standardAudit = (s: StandardRow) => ({
  category_code: s.category_code,
  register_condition: s.register_condition,
  close_condition: s.close_condition,
  limit_value: Number(s.limit_value),
  limit_unit: s.limit_unit,
  default_organization_id: s.default_organization_id,
  active: s.active,
});

const invalid = (field: string, code: string, params?: Record<string, string | number>) => new AppError('VALIDATION_FAILED', 400, {}, [{ field, code, ...(params ? { params } : {}) }]);

// ---- catalogue

export async function listCategories(request: FastifyRequest, query: PageQuery & CategoryFilter) {
  const window = pageWindow(query);
  const db = request.server.db;
  const { total, items } = await configRepo.listCategories(db, query, window);
  const standards = await configRepo.standardsOf(db, items.map((c) => c.code));
  return { items: items.map((c) => presentCategory(c, standards)), total, page: window.page, pageSize: window.pageSize };
}

export async function listMajors(request: FastifyRequest) {
  return { items: (await configRepo.majors(request.server.db)).map((m) => ({ kind: m.kind, majorCode: m.major_code, majorName: m.major_name, categories: m.categories })) };
}

export interface CreateCategory {
  kind: CategoryKind;
  majorCode: string;
  majorName?: string;
  minorCode: string;
  minorName: string;
  nameEn?: string | null;
  autoDispatch?: boolean;
  reminderAllowed?: boolean;
  publicReportable?: boolean;
}

/** A local extension: a new code in the 50–98 range, under an existing or a new 大类. */
export async function createCategory(request: FastifyRequest, body: CreateCategory) {
  checkCountyLevel(request, 'event:category:update');
  if (!isExtensionMinor(body.minorCode)) throw invalid('/minorCode', 'extensionCode');
  const code = categoryCode(body.kind, body.majorCode, body.minorCode);
  const created = await runCommand(request, async (trx, audit) => {
    if (await configRepo.findCategory(trx, code)) throw new AppError('ALREADY_EXISTS', 409, { entity: 'eventCategory', value: code });
    const majorName = await configRepo.majorName(trx, body.kind, body.majorCode);
    if (majorName === undefined && !body.majorName) throw invalid('/majorName', 'required');
    if (majorName !== undefined && body.majorName !== undefined && body.majorName !== majorName) throw invalid('/majorName', 'nameMismatch', { expected: majorName });
    const row = await configRepo.insertCategory(trx, {
      code,
      kind: body.kind,
      major_code: body.majorCode,
      major_name: majorName ?? body.majorName!,
      minor_code: body.minorCode,
      minor_name: body.minorName,
      name_en: body.nameEn ?? null,
      is_extension: true,
      auto_dispatch: body.autoDispatch ?? false,
      reminder_allowed: body.reminderAllowed ?? false,
      public_reportable: body.publicReportable ?? true,
    });
    audit({ action: 'event:category:create', entityType: 'event_category', entityId: code, after: { code, ...categoryAudit(row) } });
    return row;
  });
  request.server.eventConfig.invalidate();
  return presentCategory(created, []);
}

export interface UpdateCategory {
  majorName?: string;
  minorName?: string;
  nameEn?: string | null;
  active?: boolean;
  autoDispatch?: boolean;
  reminderAllowed?: boolean;
  publicReportable?: boolean;
}

/** Names of national codes are editable too (towns word them their way); a 大类 rename renames all its 小类. */
export async function updateCategory(request: FastifyRequest, code: string, body: UpdateCategory) {
  checkCountyLevel(request, 'event:category:update');
  const updated = await runCommand(request, async (trx, audit) => {
    const before = await configRepo.findCategory(trx, code);
    if (!before) throw notFound();
    const renamed = body.majorName === undefined ? 0 : await configRepo.renameMajor(trx, before.kind, before.major_code, body.majorName);
    const after = await configRepo.updateCategory(trx, code, {
      minor_name: body.minorName,
      name_en: body.nameEn,
      active: body.active,
      auto_dispatch: body.autoDispatch,
      reminder_allowed: body.reminderAllowed,
      public_reportable: body.publicReportable,
    });
    audit({ action: 'event:category:update', entityType: 'event_category', entityId: code, before: categoryAudit(before), after: categoryAudit(after), ...(renamed > 0 ? { details: { majorRenamedCategories: renamed } } : {}) });
    return after;
  });
  request.server.eventConfig.invalidate();
  return presentCategory(updated, await configRepo.standardsOf(request.server.db, [code]));
}

// ---- 立结案标准

export interface CreateStandard {
  categoryCode: string;
  registerCondition: string;
  closeCondition: string;
  limitValue: number;
  limitUnit: LimitUnit;
  defaultOrganizationId: number | null;
}
export type UpdateStandard = Partial<Omit<CreateStandard, 'categoryCode'>> & { active?: boolean };

function checkLimit(value: number, unit: LimitUnit) {
  const problem = limitProblem(value, unit);
  if (problem) throw invalid('/limitValue', problem, problem === 'maximum' ? { limit: 9999 } : undefined);
}

async function checkOrganization(trx: Transaction<DB>, scope: DataScope, id: number | null) {
  if (id !== null && !(await configRepo.organizationInScope(trx, scope, id))) throw invalidReference('/defaultOrganizationId');
}

async function checkConditionFree(trx: Transaction<DB>, categoryCode: string, registerCondition: string, exceptId: number | null) {
  if (await configRepo.conditionTaken(trx, categoryCode, registerCondition, exceptId)) throw new AppError('ALREADY_EXISTS', 409, { entity: 'eventStandard', value: registerCondition });
}

export async function createStandard(request: FastifyRequest, body: CreateStandard) {
  checkCountyLevel(request, 'event:category:update');
  const scope = actorOf(request).scope;
  const created = await runCommand(request, async (trx, audit) => {
    if (!(await configRepo.findCategory(trx, body.categoryCode))) throw invalidReference('/categoryCode');
    checkLimit(body.limitValue, body.limitUnit);
    await checkOrganization(trx, scope, body.defaultOrganizationId);
    await checkConditionFree(trx, body.categoryCode, body.registerCondition, null);
    const values = { register_condition: body.registerCondition, close_condition: body.closeCondition, limit_value: body.limitValue, limit_unit: body.limitUnit, default_organization_id: body.defaultOrganizationId };
    const id = await configRepo.insertStandard(trx, body.categoryCode, { ...values, sort: await configRepo.nextStandardSort(trx, body.categoryCode) });
    const row = (await configRepo.findStandard(trx, id))!;
    audit({ action: 'event:standard:create', entityType: 'event_standard', entityId: id, after: standardAudit(row) });
    return row;
  });
  request.server.eventConfig.invalidate();
  return presentStandard(created);
}

/** Also how a 立案条件 is deactivated (`active: false`): events registered under it keep it. */
export async function updateStandard(request: FastifyRequest, id: number, body: UpdateStandard) {
  checkCountyLevel(request, 'event:category:update');
  const scope = actorOf(request).scope;
  const updated = await runCommand(request, async (trx, audit) => {
    const before = await configRepo.findStandard(trx, id);
    if (!before) throw notFound();
    const values = {
      register_condition: body.registerCondition ?? before.register_condition,
      close_condition: body.closeCondition ?? before.close_condition,
      limit_value: body.limitValue ?? Number(before.limit_value),
      limit_unit: body.limitUnit ?? before.limit_unit,
      default_organization_id: body.defaultOrganizationId === undefined ? before.default_organization_id : body.defaultOrganizationId,
    };
    checkLimit(values.limit_value, values.limit_unit);
    // Only a newly named organisation is checked: the current one may have been set by a wider actor.
    if (body.defaultOrganizationId !== undefined) await checkOrganization(trx, scope, body.defaultOrganizationId);
    await checkConditionFree(trx, before.category_code, values.register_condition, id);
    await configRepo.updateStandard(trx, id, { ...values, active: body.active });
    const after = (await configRepo.findStandard(trx, id))!;
    audit({ action: 'event:standard:update', entityType: 'event_standard', entityId: id, before: standardAudit(before), after: standardAudit(after) });
    return after;
  });
  request.server.eventConfig.invalidate();
  return presentStandard(updated);
}

// ---- the 立结案标准 table (XLSX)

interface TableLine {
  category: Category;
  standard: StandardRow;
}

/** Every active 立案条件 in the table layout towns use; it imports back unchanged. */
export async function exportStandards(request: FastifyRequest): Promise<Buffer> {
  const db = request.server.db;
  const [categories, standards] = await Promise.all([configRepo.allCategories(db), configRepo.allStandards(db)]);
  const byCode = new Map(categories.map((c) => [c.code, c]));
  const lines: TableLine[] = standards.filter((s) => s.active).map((standard) => ({ category: byCode.get(standard.category_code)!, standard }));
  const value: Record<(typeof standardColumns)[number]['key'], (line: TableLine) => string | number> = {
    kind: (l) => kindLabels[l.category.kind],
    majorCode: (l) => l.category.major_code,
    majorName: (l) => l.category.major_name,
    minorCode: (l) => l.category.minor_code,
    minorName: (l) => l.category.minor_name,
    registerCondition: (l) => l.standard.register_condition,
    closeCondition: (l) => l.standard.close_condition,
    limitValue: (l) => Number(l.standard.limit_value),
    limitUnit: (l) => unitLabels[l.standard.limit_unit],
    organization: (l) => l.standard.default_organization_name ?? '',
  };
  return buildXlsx('立结案标准', standardColumns.map((c) => ({ header: c.headers[0]!, width: c.width, value: value[c.key] })), lines);
}

/** The empty table with drop-down lists for the closed columns and a sheet of instructions. */
export async function standardsTemplate(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('立结案标准');
  sheet.columns = standardColumns.map((c) => ({ header: c.headers[0]!, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  const list = (values: string[]) => ({ type: 'list' as const, allowBlank: false, formulae: [`"${values.join(',')}"`] });
  const kindColumn = standardColumns.findIndex((c) => c.key === 'kind') + 1;
  const unitColumn = standardColumns.findIndex((c) => c.key === 'limitUnit') + 1;
  for (let row = 2; row <= 1000; row++) {
    sheet.getCell(row, kindColumn).dataValidation = list(Object.values(kindLabels));
    sheet.getCell(row, unitColumn).dataValidation = list(Object.values(unitLabels));
  }
  const help = workbook.addWorksheet('填写说明');
  help.getColumn(1).width = 100;
  [
    '每行一个立案条件；同一小类可有多行（不同立案条件、时限和结案条件）。',
    '类型：部件 或 事件。大类代码、小类代码均为两位数字（如 05、50）。',
    '新增本地扩展小类的小类代码须在 50–98 之间；01–49 与 99 为国家标准代码，只能修改名称。',
    '处置时限须大于 0，最多两位小数；时限单位为 紧急工作时、工作时、工作日 或 自然日，工作日须为整数。',
    '责任单位填写单位名称或单位编码，可留空。',
    '按“小类代码 + 立案条件”匹配：已有的立案条件被更新，其余新增；文件中没有的立案条件保持不变。',
    '任一行有错误时整个文件都不导入，并列出出错的行和列。',
  ].forEach((text, i) => (help.getCell(i + 1, 1).value = text));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const rowOf = (error: FieldError) => Number(error.field.split('/')[2] ?? 0);

/** All-or-nothing: any bad row rejects the whole file with a report of every problem by row and column. */
export async function importStandards(request: FastifyRequest) {
  checkCountyLevel(request, 'event:category:import');
  const scope = actorOf(request).scope;
  const table = await readTable(await uploadedBytes(request), standardColumns, maxImportRows);
  const parsed = parseStandardRows(table);
  const result = await runCommand(request, async (trx, audit) => {
    const categories = await configRepo.allCategories(trx);
    const standards = await configRepo.allStandards(trx);
    const organizations = await configRepo.organizationsInScope(trx, scope);
    const plan = planImport(parsed.rows, {
      categories: categories.map((c) => ({ code: c.code, kind: c.kind, majorCode: c.major_code, majorName: c.major_name, minorName: c.minor_name })),
      standards: standards.map((s) => ({ id: s.id, categoryCode: s.category_code, registerCondition: s.register_condition, closeCondition: s.close_condition, limitValue: Number(s.limit_value), limitUnit: s.limit_unit, defaultOrganizationId: s.default_organization_id, active: s.active })),
      organizations,
    });
    const errors = [...parsed.errors, ...plan.errors].sort((a, b) => rowOf(a) - rowOf(b));
    if (errors.length > 0) throw new AppError('TABLE_IMPORT_INVALID', 400, { count: errors.length }, errors);

    for (const c of plan.newCategories) {
      await configRepo.insertCategory(trx, { code: c.code, kind: c.kind, major_code: c.majorCode, major_name: c.majorName, minor_code: c.minorCode, minor_name: c.minorName, name_en: null, is_extension: true, auto_dispatch: false, reminder_allowed: false, public_reportable: true });
    }
    let renamedCategories = 0;
    for (const m of plan.renamedMajors) renamedCategories += await configRepo.renameMajor(trx, m.kind, m.majorCode, m.majorName);
    for (const r of plan.renamedMinors) await configRepo.updateCategory(trx, r.code, { minor_name: r.minorName });
    for (const s of plan.newStandards) {
      const values = { register_condition: s.registerCondition, close_condition: s.closeCondition, limit_value: s.limitValue, limit_unit: s.limitUnit, default_organization_id: s.defaultOrganizationId };
      await configRepo.insertStandard(trx, s.categoryCode, { ...values, sort: await configRepo.nextStandardSort(trx, s.categoryCode) });
    }
    for (const s of plan.changedStandards) {
      await configRepo.updateStandard(trx, s.id, { close_condition: s.closeCondition, limit_value: s.limitValue, limit_unit: s.limitUnit, default_organization_id: s.defaultOrganizationId, active: true });
    }
    const counts = {
      rows: parsed.rows.length,
      categoriesCreated: plan.newCategories.length,
      categoriesRenamed: plan.renamedMinors.length + renamedCategories,
      standardsCreated: plan.newStandards.length,
      standardsUpdated: plan.changedStandards.length,
      standardsUnchanged: plan.unchanged,
    };
    audit({ action: 'event:category:import', entityType: 'event_standard', entityId: null, details: counts });
    return counts;
  });
  request.server.eventConfig.invalidate();
  return result;
}
