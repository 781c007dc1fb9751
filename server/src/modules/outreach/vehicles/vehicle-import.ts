import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../../auth/auth.plugin.ts';
import { divisionInScope } from '../../../auth/actor.ts';
import { runCommand } from '../../../http/command.ts';
import type { FieldIssue } from '../../registry/record-kind.ts';
import { parseCell } from '../../registry/import/cells.ts';
import { mapColumns, parseMappingOverride } from '../../registry/import/mapping.ts';
import { readTable } from '../../registry/import/read-table.ts';
import { rowErrors } from '../../registry/import/import-report.ts';
import { ImportRejected, type ImportMode, type ImportReport } from '../../registry/import/import.service.ts';
import { parseCreditCode } from '../../registry/validators/credit-code.ts';
import { vehicleColumns, vehicleSheet, type VehicleInput } from './vehicle-sheet.ts';
import { vehiclesRepo } from './vehicles.repo.ts';

/**
 * A spreadsheet of vehicles, by the registry's import conventions: XLSX or CSV (UTF-8 or GBK), Chinese
 * headers (or English, or a mapping), every bad row reported by row, column and reason; all-or-nothing
 * by default or only the valid rows; the plate is the natural key, so importing a file twice updates.
 * One audit record summarises the import (counts, never row data).
 */
export async function importVehicles(request: FastifyRequest, file: { bytes: Buffer; filename: string }, options: { mode?: ImportMode; mapping?: string }): Promise<ImportReport> {
  const actor = actorOf(request);
  const mode = options.mode ?? 'all-or-nothing';
  const db = request.server.db;
  const table = await readTable(file.bytes, request.server.config.importMaxRows);
  const mapping = mapColumns(vehicleSheet, table.headers, parseMappingOverride(options.mapping));

  // Cells → input → columns, all before the transaction (encryption included).
  const drafts = table.rows.map(({ row, cells }) => {
    const input: Record<string, string | null> = {};
    const issues: FieldIssue[] = [];
    for (const column of mapping.columns) {
      const parsed = parseCell(column.field, cells[column.index]);
      if ('issue' in parsed) issues.push(parsed.issue);
      else input[column.field.key] = parsed.value as string | null;
    }
    for (const key of ['plate', 'phone'] as const) if (!input[key] && !issues.some((i) => i.field === key)) issues.push({ field: key, code: 'required' });
    const built = vehicleColumns({ plate: input.plate ?? undefined, ownerName: input.ownerName, phone: input.phone ?? undefined } satisfies VehicleInput, request.server.privacy);
    const read = new Set(issues.map((i) => i.field));
    issues.push(...built.issues.filter((i) => !read.has(i.field)));
    let creditCode: string | null = null;
    if (input.enterpriseCreditCode) {
      const parsed = parseCreditCode(input.enterpriseCreditCode);
      if (parsed.ok) creditCode = parsed.value;
      else issues.push({ field: 'enterpriseCreditCode', code: parsed.code });
    }
    return { row, issues, values: built.values, creditCode };
  });

  const firstRow = new Map<string, number>();
  for (const d of drafts) {
    const plate = d.values.plate;
    if (!plate || d.issues.length) continue;
    const first = firstRow.get(plate);
    if (first === undefined) firstRow.set(plate, d.row);
    else d.issues.push({ field: 'plate', code: 'DUPLICATE_IN_FILE', params: { row: first } });
  }
  const codes = [...new Set(drafts.flatMap((d) => (d.creditCode ? [d.creditCode] : [])))];
  const enterpriseByCode = new Map((await vehiclesRepo.enterprisesByCreditCode(db, actor.scope, codes)).map((e) => [e.credit_code, Number(e.id)]));
  for (const d of drafts) if (d.creditCode && !enterpriseByCode.has(d.creditCode)) d.issues.push({ field: 'enterpriseCreditCode', code: 'UNKNOWN_REFERENCE', params: { value: d.creditCode } });

  return runCommand(request, async (trx, audit) => {
    // A plate another division keeps is not taken over by this import.
    const stored = new Map((await vehiclesRepo.byPlates(trx, [...firstRow.keys()])).map((v) => [v.plate, v]));
    for (const d of drafts) {
      const existing = d.values.plate ? stored.get(d.values.plate) : undefined;
      if (existing && d.issues.length === 0 && !divisionInScope(actor.scope, existing.division_code)) d.issues.push({ field: 'plate', code: 'DUPLICATE_IN_DB' });
    }
    const valid = drafts.filter((d) => d.issues.length === 0);
    const { errors, truncated } = rowErrors(drafts, mapping, actor.locale);
    const updated = valid.filter((d) => stored.has(d.values.plate!)).length;
    const report: ImportReport = { mode, rows: drafts.length, inserted: valid.length - updated, updated, rejected: drafts.length - valid.length, errors, errorsTruncated: truncated, ignoredColumns: mapping.ignored };
    if (report.rejected > 0 && mode === 'all-or-nothing') throw new ImportRejected({ ...report, inserted: 0, updated: 0 });
    const now = new Date();
    const rows = valid.map((d) => ({
      plate: d.values.plate!,
      owner_name: d.values.owner_name ?? null,
      phone_enc: d.values.phone_enc!,
      phone_idx: d.values.phone_idx!,
      phone_masked: d.values.phone_masked!,
      enterprise_id: d.creditCode ? enterpriseByCode.get(d.creditCode)! : null,
      source: 'import' as const,
      division_code: actor.divisionCode,
      updated_at: now,
    }));
    await vehiclesRepo.upsertMany(trx, actor.scope, rows);
    audit({
      action: 'outreach:vehicle:import',
      entityType: 'vehicle_owner',
      entityId: null,
      divisionCode: actor.divisionCode,
      details: { file: file.filename.slice(0, 200), mode, rows: report.rows, inserted: report.inserted, updated: report.updated, rejected: report.rejected },
    });
    return report;
  });
}
