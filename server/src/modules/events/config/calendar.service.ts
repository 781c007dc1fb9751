import type { FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import { AppError, notFound } from '../../../http/errors.ts';
import { runCommand } from '../../../http/command.ts';
import { checkDay, checkWorkPeriods, checkYearRows, type CalendarDay, type DayKind, type PeriodText } from './calendar-rules.ts';
import { configRepo } from './config.repo.ts';
import { checkCountyLevel } from './county-level.ts';
import { settingKeys, type DuplicateWindow, type PhaseLimits, type UrgentPhaseLimits } from './event-config.ts';
import { readTable, uploadedBytes } from './table-file.ts';
import { supervisionRulesErrors, type SupervisionRules } from '../../supervision/supervision-rules.ts';

export interface Settings {
  workPeriods: PeriodText[];
  phaseLimits: PhaseLimits;
  urgentPhaseLimits: UrgentPhaseLimits;
  duplicateWindow: DuplicateWindow;
  supervision: SupervisionRules;
}

async function readSettings(db: Kysely<DB> | Transaction<DB>): Promise<Settings> {
  const values = await configRepo.settings(db, Object.values(settingKeys));
  return {
    workPeriods: values.get(settingKeys.workPeriods) as PeriodText[],
    phaseLimits: values.get(settingKeys.phaseLimits) as PhaseLimits,
    urgentPhaseLimits: values.get(settingKeys.urgentPhaseLimits) as UrgentPhaseLimits,
    duplicateWindow: values.get(settingKeys.duplicateWindow) as DuplicateWindow,
    supervision: values.get(settingKeys.supervision) as SupervisionRules,
  };
}

export const getSettings = (request: FastifyRequest) => readSettings(request.server.db);

/** Each given setting replaces the stored one whole; each change is audited under its key. */
export async function updateSettings(request: FastifyRequest, body: Partial<Settings>): Promise<Settings> {
  checkCountyLevel(request, 'event:calendar:update');
  const errors = [...(body.workPeriods ? checkWorkPeriods(body.workPeriods) : []), ...(body.supervision ? supervisionRulesErrors(body.supervision, '/supervision') : [])];
  if (errors.length > 0) throw new AppError('VALIDATION_FAILED', 400, {}, errors);
  await runCommand(request, async (trx, audit) => {
    const before = await readSettings(trx);
    for (const name of ['workPeriods', 'phaseLimits', 'urgentPhaseLimits', 'duplicateWindow', 'supervision'] as const) {
      const value = body[name];
      if (value === undefined) continue;
      await configRepo.putSetting(trx, settingKeys[name], value);
      audit({ action: 'event:calendar:update', entityType: 'setting', entityId: settingKeys[name], before: { value: before[name] }, after: { value } });
    }
  });
  request.server.eventConfig.invalidate();
  return getSettings(request);
}

export async function listDays(request: FastifyRequest, year: number) {
  return { items: await configRepo.daysOfYear(request.server.db, year) };
}

/** Adds or changes one holiday / make-up working day. */
export async function putDay(request: FastifyRequest, date: string, body: { kind: DayKind; name: string }): Promise<CalendarDay> {
  checkCountyLevel(request, 'event:calendar:update');
  const day = { date, kind: body.kind, name: body.name };
  const problem = checkDay(day, '/kind');
  if (problem) throw new AppError('VALIDATION_FAILED', 400, {}, [problem]);
  await runCommand(request, async (trx, audit) => {
    const before = await configRepo.findDay(trx, date);
    await configRepo.upsertDay(trx, day);
    audit({ action: 'event:calendar:update', entityType: 'work_calendar_day', entityId: date, before: before ? { kind: before.kind, name: before.name } : null, after: { kind: day.kind, name: day.name } });
  });
  request.server.eventConfig.invalidate();
  return day;
}

export async function deleteDay(request: FastifyRequest, date: string): Promise<void> {
  checkCountyLevel(request, 'event:calendar:update');
  await runCommand(request, async (trx, audit) => {
    const before = await configRepo.findDay(trx, date);
    if (!before) throw notFound();
    await configRepo.deleteDay(trx, date);
    audit({ action: 'event:calendar:update', entityType: 'work_calendar_day', entityId: date, before: { kind: before.kind, name: before.name } });
  });
  request.server.eventConfig.invalidate();
}

const dayColumns = [
  { key: 'date', headers: ['日期', 'date'], required: true },
  { key: 'kind', headers: ['类型', 'kind'], required: true },
  { key: 'name', headers: ['名称', 'name'], required: false },
] as const;

/**
 * Replaces one year's holidays and make-up days with the file's (CSV or XLSX: 日期, 类型 放假/上班,
 * 名称), as published each November. All-or-nothing, with a report of every bad row.
 */
export async function importYear(request: FastifyRequest, year: number) {
  checkCountyLevel(request, 'event:calendar:update');
  const table = await readTable(await uploadedBytes(request), dayColumns, 366);
  const { days, errors } = checkYearRows(table.map((r) => ({ row: r.row, ...r.cells })), year);
  if (errors.length > 0) throw new AppError('TABLE_IMPORT_INVALID', 400, { count: errors.length }, errors);
  const result = await runCommand(request, async (trx, audit) => {
    const before = await configRepo.daysOfYear(trx, year);
    await configRepo.replaceYear(trx, year, days);
    const previous = new Map(before.map((d) => [d.date, d]));
    const counts = {
      year,
      holidays: days.filter((d) => d.kind === 'holiday').length,
      workdays: days.filter((d) => d.kind === 'workday').length,
      added: days.filter((d) => !previous.has(d.date)).length,
      changed: days.filter((d) => previous.has(d.date) && (previous.get(d.date)!.kind !== d.kind || previous.get(d.date)!.name !== d.name)).length,
      removed: before.filter((d) => !days.some((n) => n.date === d.date)).length,
    };
    audit({ action: 'event:calendar:import', entityType: 'work_calendar_day', entityId: String(year), details: counts });
    return counts;
  });
  request.server.eventConfig.invalidate();
  return result;
}
