import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../../auth/auth.plugin.ts';
import { AppError, conflict } from '../../../http/errors.ts';
import { problemBody } from '../../../http/problem.ts';
import { runCommand } from '../../../http/command.ts';
import type { InputCrs } from '../../../gis/coordinates.ts';
import { draftRecords, resolveDrafts, type Draft } from '../drafts.ts';
import { attachHouseholds, householdsTouched } from '../households.ts';
import type { FieldIssue, RecordInput, RecordKind } from '../record-kind.ts';
import { buildContext, registryRepo } from '../registry.service.ts';
import { parseCell } from './cells.ts';
import { mapColumns, parseMappingOverride } from './mapping.ts';
import { readTable } from './read-table.ts';
import { rowErrors, type RowError } from './import-report.ts';

export type ImportMode = 'all-or-nothing' | 'valid-rows';

export interface ImportReport {
  mode: ImportMode;
  rows: number;
  inserted: number;
  updated: number;
  rejected: number;
  errors: RowError[];
  errorsTruncated: boolean;
  ignoredColumns: string[];
}

/** An all-or-nothing import with rejected rows: nothing was written; the report says what to fix. */
export class ImportRejected extends AppError {
  constructor(readonly report: ImportReport) {
    super('IMPORT_ROWS_REJECTED', 422, { rows: report.rows, rejected: report.rejected });
  }
}

/**
 * The reply to an import: the report; an all-or-nothing import with rejected rows as problem+json 422
 * with the row report as extension members, so the caller can fix the file.
 */
export async function answerImport(request: FastifyRequest, reply: FastifyReply, work: () => Promise<ImportReport>) {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ImportRejected)) throw error;
    return reply.code(422).type('application/problem+json; charset=utf-8').send({ ...problemBody(error, actorOf(request).locale, request.url), ...error.report });
  }
}

/** Rows per statement. Each column travels as one array parameter, so width does not limit the batch. */
const batchSize = 1000;

/**
 * A spreadsheet of one record kind → validated, located, encrypted rows, written in one transaction:
 * new natural keys inserted, known ones (in the caller's scope) updated, so importing a file twice
 * changes nothing the second time. One audit record summarises the import (counts, never row data).
 */
export async function importRecords(request: FastifyRequest, kind: RecordKind, file: { bytes: Buffer; filename: string }, options: { mode?: ImportMode; crs?: InputCrs; mapping?: string }): Promise<ImportReport> {
  const actor = actorOf(request);
  const mode = options.mode ?? 'all-or-nothing';
  const table = await readTable(file.bytes, request.server.config.importMaxRows);
  const mapping = mapColumns(kind, table.headers, parseMappingOverride(options.mapping));

  const cellIssues: FieldIssue[][] = [];
  const inputs = table.rows.map(({ row, cells }, i) => {
    const input: RecordInput = {};
    cellIssues[i] = [];
    for (const column of mapping.columns) {
      const parsed = parseCell(column.field, cells[column.index]);
      if ('issue' in parsed) cellIssues[i]!.push(parsed.issue);
      else input[column.field.key] = parsed.value;
    }
    return { row, input };
  });
  // Validation, encryption and grid lookup run before the transaction: on PGlite a transaction holds the database.
  const drafts = draftRecords(kind, inputs, { ctx: await buildContext(request), crs: options.crs ?? 'WGS84', locator: request.server.grids, create: true });
  drafts.forEach((draft, i) => {
    const unreadable = new Set(cellIssues[i]!.map((issue) => issue.field));
    // A cell that could not be read is reported once, not again as "required".
    draft.issues = [...cellIssues[i]!, ...draft.issues.filter((issue) => !unreadable.has(issue.field))];
  });

  return runCommand(request, async (trx, audit) => {
    const resolution = await resolveDrafts(trx, registryRepo, kind, drafts, actor.scope, true);
    const valid = drafts.filter((d) => d.issues.length === 0);
    const { errors, truncated } = rowErrors(drafts, mapping, actor.locale);
    const updated = valid.filter((d) => d.key !== null && resolution.existing.has(d.key)).length;
    const report: ImportReport = {
      mode,
      rows: drafts.length,
      inserted: valid.length - updated,
      updated,
      rejected: drafts.length - valid.length,
      errors,
      errorsTruncated: truncated,
      ignoredColumns: mapping.ignored,
    };
    if (report.rejected > 0 && mode === 'all-or-nothing') throw new ImportRejected({ ...report, inserted: 0, updated: 0 });

    if (kind.entity === 'person') await attachHouseholds(trx, registryRepo, valid, resolution.households);
    const stored = (d: Draft) => (d.key === null ? undefined : resolution.existing.get(d.key));
    try {
      await registryRepo.insertMany(trx, kind.table, valid.filter((d) => !stored(d)).map((d) => d.values), batchSize);
      await registryRepo.updateMany(trx, kind.table, valid.filter((d) => stored(d)).map((d) => ({ ...d.values, id: stored(d)!.id })), batchSize);
    } catch (error) {
      // Another import stored one of these natural keys since they were looked up (PostgreSQL only).
      if ((error as { code?: string }).code === '23505') throw conflict();
      throw error;
    }
    if (kind.entity === 'person') await registryRepo.refreshHouseholdHeads(trx, householdsTouched(valid));
    audit({
      action: `registry:${kind.entity}:import`,
      entityType: kind.entity,
      entityId: null,
      divisionCode: actor.divisionCode,
      details: { file: file.filename.slice(0, 200), mode, rows: report.rows, inserted: report.inserted, updated: report.updated, rejected: report.rejected },
    });
    return report;
  });
}
