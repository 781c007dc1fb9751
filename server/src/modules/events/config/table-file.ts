import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import type { FastifyRequest } from 'fastify';
import { AppError, type FieldError } from '../../../http/errors.ts';
import { readUpload } from '../../../files/upload.ts';

/** One data row of an uploaded table: its spreadsheet row number and its cells by column key. */
export interface TableRow<K extends string> {
  row: number;
  cells: Record<K, string>;
}

export interface TableColumn<K extends string> {
  key: K;
  /** Header texts accepted for the column (the Chinese header first). */
  headers: readonly string[];
  required: boolean;
}

/** The single uploaded file (multipart field "file"), as bytes. */
export async function uploadedBytes(request: FastifyRequest): Promise<Buffer> {
  return (await readUpload(request)).bytes;
}

/** `'=x` was written by `escapeCell` on export: the apostrophe is ours, not the user's. */
const unescapeCell = (text: string) => (/^'[=+\-@\t\r]/.test(text) ? text.slice(1) : text);

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10); // Excel dates carry no zone: exceljs reads them as UTC
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((part) => part.text).join('');
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('text' in value) return String(value.text);
    return '';
  }
  return String(value);
}

async function xlsxRows(bytes: Buffer): Promise<string[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return [];
  const rows: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, number) => {
    const values = row.values as ExcelJS.CellValue[]; // 1-based
    rows[number - 1] = values.slice(1).map((v) => unescapeCell(cellText(v).trim()));
  });
  return Array.from(rows, (row) => row ?? []);
}

/** Excel on Chinese Windows saves CSV as GBK; anything that is not valid UTF-8 is read as GB18030. */
function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    return iconv.decode(bytes, 'gb18030');
  }
}

function csvRows(bytes: Buffer): string[][] {
  const records = parse(decodeText(bytes), { relax_column_count: true, skip_empty_lines: false, trim: true }) as string[][];
  return records.map((row) => row.map(unescapeCell));
}

const isZip = (bytes: Buffer) => bytes.length > 4 && bytes.readUInt32LE(0) === 0x04034b50;

/**
 * The rows of an uploaded XLSX (first sheet) or CSV, keyed by column. The first row holds the headers;
 * columns are found by header text, so their order does not matter. Blank rows are skipped.
 */
export async function readTable<K extends string>(bytes: Buffer, columns: readonly TableColumn<K>[], maxRows: number): Promise<TableRow<K>[]> {
  let grid: string[][];
  try {
    grid = isZip(bytes) ? await xlsxRows(bytes) : csvRows(bytes);
  } catch {
    throw new AppError('TABLE_IMPORT_UNREADABLE', 400, {}, [{ field: '/file', code: 'other' }]);
  }
  const header = (grid[0] ?? []).map((h) => h.trim());
  const positions = new Map<K, number>();
  const missing: FieldError[] = [];
  for (const column of columns) {
    const index = header.findIndex((h) => column.headers.includes(h));
    if (index >= 0) positions.set(column.key, index);
    else if (column.required) missing.push({ field: '/rows/1', code: 'missingColumn', params: { column: column.headers[0]! } });
  }
  if (missing.length > 0) throw new AppError('TABLE_IMPORT_INVALID', 400, { count: missing.length }, missing);
  const rows: TableRow<K>[] = [];
  grid.slice(1).forEach((cells, i) => {
    if (cells.every((c) => c === '')) return;
    const record = {} as Record<K, string>;
    for (const column of columns) record[column.key] = cells[positions.get(column.key) ?? -1] ?? '';
    rows.push({ row: i + 2, cells: record });
  });
  if (rows.length === 0) throw new AppError('TABLE_IMPORT_INVALID', 400, { count: 1 }, [{ field: '/rows', code: 'minItems', params: { limit: 1 } }]);
  if (rows.length > maxRows) throw new AppError('TABLE_IMPORT_INVALID', 400, { count: 1 }, [{ field: '/rows', code: 'maxItems', params: { limit: maxRows } }]);
  return rows;
}
