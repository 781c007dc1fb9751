import { isMessageKey, translate, type Locale, type MessageKey } from '../../../i18n/messages.ts';
import type { Draft } from '../drafts.ts';
import type { FieldIssue } from '../record-kind.ts';
import type { ColumnMapping } from './mapping.ts';

/** At most this many row errors are listed; the counts always cover every row. */
export const maxReportedErrors = 1000;

export interface RowError {
  row: number;
  column: string | null;
  field: string;
  code: string;
  message: string;
}

export function issueMessage(locale: Locale, issue: FieldIssue): string {
  const key = `validation.${issue.code}`;
  if (isMessageKey(key)) return translate(locale, key, issue.params);
  if (isMessageKey(issue.code)) return translate(locale, issue.code as MessageKey, issue.params);
  return translate(locale, 'validation.other');
}

/** Every rejected row's problems, row by row and left to right, each naming the row number, the column as headed in the file, and why. */
export function rowErrors(drafts: Pick<Draft, 'row' | 'issues'>[], mapping: ColumnMapping, locale: Locale): { errors: RowError[]; truncated: boolean } {
  const headerOf = new Map(mapping.columns.map((c) => [c.field.key, c.header]));
  const columnOf = new Map(mapping.columns.map((c) => [c.field.key, c.index]));
  const byColumn = (a: FieldIssue, b: FieldIssue) => (columnOf.get(a.field) ?? Infinity) - (columnOf.get(b.field) ?? Infinity);
  const errors: RowError[] = [];
  let total = 0;
  for (const draft of drafts) {
    // Left to right, as the row reads in the spreadsheet.
    for (const issue of [...draft.issues].sort(byColumn)) {
      total++;
      if (errors.length < maxReportedErrors) {
        errors.push({ row: draft.row, column: headerOf.get(issue.field) ?? null, field: issue.field, code: issue.code, message: issueMessage(locale, issue) });
      }
    }
  }
  return { errors, truncated: total > errors.length };
}
