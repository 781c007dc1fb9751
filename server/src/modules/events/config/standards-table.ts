import type { FieldError } from '../../../http/errors.ts';
import type { LimitUnit } from '../work-calendar.ts';
import type { TableColumn, TableRow } from './table-file.ts';

/**
 * The 立结案标准 table as towns keep it in Excel: one row per 立案条件 of a 小类. Import and export use
 * the same columns, so an exported file imports back unchanged.
 */
export type CategoryKind = 'component' | 'event';
export const kindLabels: Record<CategoryKind, string> = { component: '部件', event: '事件' };
export const unitLabels: Record<LimitUnit, string> = { urgent_hour: '紧急工作时', work_hour: '工作时', work_day: '工作日', natural_day: '自然日' };

export type StandardColumnKey = 'kind' | 'majorCode' | 'majorName' | 'minorCode' | 'minorName' | 'registerCondition' | 'closeCondition' | 'limitValue' | 'limitUnit' | 'organization';
export const standardColumns: readonly (TableColumn<StandardColumnKey> & { width: number })[] = [
  { key: 'kind', headers: ['类型'], required: true, width: 8 },
  { key: 'majorCode', headers: ['大类代码'], required: true, width: 10 },
  { key: 'majorName', headers: ['大类名称'], required: true, width: 14 },
  { key: 'minorCode', headers: ['小类代码'], required: true, width: 10 },
  { key: 'minorName', headers: ['小类名称'], required: true, width: 18 },
  { key: 'registerCondition', headers: ['立案条件'], required: true, width: 40 },
  { key: 'closeCondition', headers: ['结案条件'], required: true, width: 30 },
  { key: 'limitValue', headers: ['处置时限'], required: true, width: 10 },
  { key: 'limitUnit', headers: ['时限单位'], required: true, width: 12 },
  { key: 'organization', headers: ['责任单位'], required: false, width: 24 },
];
export const maxImportRows = 5000;

/** C0101 / E0505: the kind letter keeps component and event codes apart. */
export const categoryCode = (kind: CategoryKind, majorCode: string, minorCode: string) => `${kind === 'component' ? 'C' : 'E'}${majorCode}${minorCode}`;

/** 01–49 and 99 belong to the national catalogue; towns number their own 小类 from 50 to 98. */
export const isExtensionMinor = (minorCode: string) => Number(minorCode) >= 50 && Number(minorCode) <= 98;

/** The field-error code for a bad time limit, or null. Working days are counted whole (deadlineFor refuses fractions). */
export function limitProblem(value: number, unit: LimitUnit): string | null {
  if (!Number.isFinite(value) || value <= 0) return 'positive';
  if (value > 9999) return 'maximum';
  if (Math.round(value * 100) !== value * 100) return 'decimals';
  if (unit === 'work_day' && !Number.isInteger(value)) return 'wholeWorkDays';
  return null;
}

export interface StandardRow {
  row: number;
  kind: CategoryKind;
  majorCode: string;
  majorName: string;
  minorCode: string;
  minorName: string;
  code: string;
  registerCondition: string;
  closeCondition: string;
  limitValue: number;
  limitUnit: LimitUnit;
  organization: string;
}

const kindByLabel = new Map<string, CategoryKind>([['部件', 'component'], ['事件', 'event'], ['component', 'component'], ['event', 'event']]);
const unitByLabel = new Map<string, LimitUnit>(Object.entries(unitLabels).flatMap(([unit, label]) => [[label, unit as LimitUnit], [unit, unit as LimitUnit]]));

/** Excel turns "05" into 5: one digit is padded back. */
const twoDigits = (text: string) => (/^\d$/.test(text) ? `0${text}` : text);

/** A 小类 code may be written as 05, 0505 or E0505; only the last two digits count, the rest must agree. */
function minorOf(text: string, kind: CategoryKind | undefined, majorCode: string): string | null {
  const match = /^([CE])?(\d{2})?(\d{2})$/.exec(twoDigits(text));
  if (!match) return null;
  if (match[1] && kind && match[1] !== (kind === 'component' ? 'C' : 'E')) return null;
  if (match[2] && match[2] !== majorCode) return null;
  return match[3]!;
}

/**
 * Checks each cell and the rows against each other (one 小类 and one 大类 name per code, no repeated
 * 立案条件). Returns every problem at once, addressed `/rows/<row>/<column>`.
 */
export function parseStandardRows(rows: readonly TableRow<StandardColumnKey>[]): { rows: StandardRow[]; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const parsed: StandardRow[] = [];
  const minorNames = new Map<string, { row: number; name: string }>();
  const majorNames = new Map<string, { row: number; name: string }>();
  const conditions = new Map<string, number>();
  for (const { row, cells } of rows) {
    const at = (column: StandardColumnKey) => `/rows/${row}/${column}`;
    const problem = (column: StandardColumnKey, code: string, params?: Record<string, string | number>) => errors.push({ field: at(column), code, ...(params ? { params } : {}) });
    const before = errors.length;
    const kind = kindByLabel.get(cells.kind);
    if (!kind) problem('kind', 'enum', { allowed: '部件, 事件' });
    const majorCode = twoDigits(cells.majorCode);
    if (!/^\d{2}$/.test(majorCode)) problem('majorCode', 'pattern');
    const minorCode = minorOf(cells.minorCode, kind, majorCode);
    if (!minorCode) problem('minorCode', 'pattern');
    const limitValue = Number(cells.limitValue);
    const limitUnit = unitByLabel.get(cells.limitUnit);
    if (!limitUnit) problem('limitUnit', 'enum', { allowed: Object.values(unitLabels).join(', ') });
    if (cells.limitValue === '' || Number.isNaN(limitValue)) problem('limitValue', 'type', { type: 'number' });
    else if (limitUnit) {
      const code = limitProblem(limitValue, limitUnit);
      if (code) problem('limitValue', code, code === 'maximum' ? { limit: 9999 } : undefined);
    }
    for (const [column, max] of [['majorName', 32], ['minorName', 64], ['registerCondition', 500], ['closeCondition', 500], ['organization', 64]] as const) {
      if (cells[column] === '' && column !== 'organization') problem(column, 'required');
      else if (cells[column].length > max) problem(column, 'maxLength', { limit: max });
    }
    if (errors.length > before) continue;

    const code = categoryCode(kind!, majorCode, minorCode!);
    const sameMinor = minorNames.get(code);
    if (sameMinor && sameMinor.name !== cells.minorName) problem('minorName', 'nameMismatch', { expected: sameMinor.name });
    else minorNames.set(code, { row, name: cells.minorName });
    const majorKey = code.slice(0, 3);
    const sameMajor = majorNames.get(majorKey);
    if (sameMajor && sameMajor.name !== cells.majorName) problem('majorName', 'nameMismatch', { expected: sameMajor.name });
    else majorNames.set(majorKey, { row, name: cells.majorName });
    const conditionKey = `${code}\u0000${cells.registerCondition}`;
    const repeated = conditions.get(conditionKey);
    if (repeated) problem('registerCondition', 'duplicateRow', { row: repeated });
    else conditions.set(conditionKey, row);
    if (errors.length > before) continue;

    parsed.push({
      row,
      kind: kind!,
      majorCode,
      majorName: cells.majorName,
      minorCode: minorCode!,
      minorName: cells.minorName,
      code,
      registerCondition: cells.registerCondition,
      closeCondition: cells.closeCondition,
      limitValue,
      limitUnit: limitUnit!,
      organization: cells.organization,
    });
  }
  return { rows: parsed, errors };
}

export interface ExistingCategory {
  code: string;
  kind: CategoryKind;
  majorCode: string;
  majorName: string;
  minorName: string;
}
export interface ExistingStandard {
  id: number;
  categoryCode: string;
  registerCondition: string;
  closeCondition: string;
  limitValue: number;
  limitUnit: LimitUnit;
  defaultOrganizationId: number | null;
  active: boolean;
}
export interface ScopedOrganization {
  id: number;
  code: string;
  name: string;
}

export interface ImportPlan {
  errors: FieldError[];
  newCategories: (ExistingCategory & { minorCode: string })[];
  renamedMinors: { code: string; minorName: string }[];
  renamedMajors: { kind: CategoryKind; majorCode: string; majorName: string }[];
  newStandards: Omit<ExistingStandard, 'id' | 'active'>[];
  changedStandards: Omit<ExistingStandard, 'active' | 'registerCondition' | 'categoryCode'>[];
  unchanged: number;
}

/**
 * What an import would change, given the catalogue, the standards and the organisations in the
 * importer's scope. Rows are matched by (小类 code, 立案条件): importing the same file twice changes
 * nothing the second time. A row makes its standard active again; standards absent from the file stay
 * as they are. Unknown 小类 codes become local extensions only in the extension range.
 */
export function planImport(rows: readonly StandardRow[], existing: { categories: readonly ExistingCategory[]; standards: readonly ExistingStandard[]; organizations: readonly ScopedOrganization[] }): ImportPlan {
  const plan: ImportPlan = { errors: [], newCategories: [], renamedMinors: [], renamedMajors: [], newStandards: [], changedStandards: [], unchanged: 0 };
  const categories = new Map(existing.categories.map((c) => [c.code, c]));
  const majorNames = new Map(existing.categories.map((c) => [c.code.slice(0, 3), c.majorName]));
  const standards = new Map(existing.standards.map((s) => [`${s.categoryCode}\u0000${s.registerCondition}`, s]));
  for (const row of rows) {
    const at = (column: StandardColumnKey) => `/rows/${row.row}/${column}`;
    let organizationId: number | null = null;
    if (row.organization !== '') {
      const byCode = existing.organizations.filter((o) => o.code === row.organization);
      const matches = byCode.length > 0 ? byCode : existing.organizations.filter((o) => o.name === row.organization);
      if (matches.length === 1) organizationId = matches[0]!.id;
      else plan.errors.push({ field: at('organization'), code: matches.length === 0 ? 'unknownOrganization' : 'ambiguousOrganization' });
    }
    const category = categories.get(row.code);
    if (!category && !isExtensionMinor(row.minorCode)) {
      plan.errors.push({ field: at('minorCode'), code: 'extensionCode' });
      continue;
    }
    if (!category) {
      const created = { code: row.code, kind: row.kind, majorCode: row.majorCode, majorName: row.majorName, minorCode: row.minorCode, minorName: row.minorName };
      plan.newCategories.push(created);
      categories.set(row.code, created);
    } else if (category.minorName !== row.minorName && !plan.renamedMinors.some((r) => r.code === row.code)) {
      plan.renamedMinors.push({ code: row.code, minorName: row.minorName });
    }
    const majorKey = row.code.slice(0, 3);
    const majorName = majorNames.get(majorKey);
    if (majorName !== undefined && majorName !== row.majorName && !plan.renamedMajors.some((r) => r.kind === row.kind && r.majorCode === row.majorCode)) {
      plan.renamedMajors.push({ kind: row.kind, majorCode: row.majorCode, majorName: row.majorName });
    }
    const wanted = { categoryCode: row.code, registerCondition: row.registerCondition, closeCondition: row.closeCondition, limitValue: row.limitValue, limitUnit: row.limitUnit, defaultOrganizationId: organizationId };
    const before = standards.get(`${row.code}\u0000${row.registerCondition}`);
    if (!before) plan.newStandards.push(wanted);
    else if (before.closeCondition !== wanted.closeCondition || before.limitValue !== wanted.limitValue || before.limitUnit !== wanted.limitUnit || before.defaultOrganizationId !== wanted.defaultOrganizationId || !before.active) {
      plan.changedStandards.push({ id: before.id, closeCondition: wanted.closeCondition, limitValue: wanted.limitValue, limitUnit: wanted.limitUnit, defaultOrganizationId: wanted.defaultOrganizationId });
    } else plan.unchanged += 1;
  }
  return plan;
}
