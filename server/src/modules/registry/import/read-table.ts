import { Readable } from 'node:stream';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { AppError } from '../../../http/errors.ts';

/**
 * An uploaded spreadsheet → header row + data rows, whatever Excel or WPS saved: XLSX (first sheet),
 * or CSV in UTF-8 (with or without BOM) or GBK/GB18030 (what Excel writes for "CSV" on a Chinese
 * Windows). Legacy .xls is refused with a hint to save as .xlsx.
 */
export interface Table {
  headers: string[];
  /** `row` is the spreadsheet's row number (the header is row 1), for error reports. */
  rows: { row: number; cells: unknown[] }[];
}

const isZip = (b: Buffer) => b.length > 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const isOle = (b: Buffer) => b.length > 8 && b.readUInt32BE(0) === 0xd0cf11e0;

export async function readTable(bytes: Buffer, maxRows: number): Promise<Table> {
  if (bytes.length === 0) throw new AppError('IMPORT_EMPTY_FILE', 400);
  if (isOle(bytes)) throw new AppError('IMPORT_UNSUPPORTED_FORMAT', 415);
  const raw = isZip(bytes) ? await readXlsx(bytes, maxRows) : readCsv(decodeText(bytes), maxRows);
  const [header, ...body] = raw;
  const headers = (header ?? []).map((h) => cellText(h));
  const rows = body.map((cells, i) => ({ row: i + 2, cells })).filter((r) => r.cells.some((c) => cellText(c) !== ''));
  if (headers.every((h) => h === '') || rows.length === 0) throw new AppError('IMPORT_EMPTY_FILE', 400);
  if (rows.length > maxRows) throw new AppError('IMPORT_TOO_MANY_ROWS', 413, { limit: maxRows });
  return { headers, rows };
}

/** UTF-8 when the bytes are valid UTF-8 (BOM dropped), else GB18030 (a superset of GBK); anything else is refused. */
export function decodeText(bytes: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const text = iconv.decode(bytes, 'gb18030');
    // Bytes that are not GB18030 either decode to U+FFFD; NUL means a binary file, not text.
    if (text.includes('\uFFFD') || text.includes('\u0000')) throw new AppError('IMPORT_ENCODING', 400);
    return text;
  }
}

function readCsv(text: string, maxRows: number): unknown[][] {
  try {
    // One row more than allowed is enough to tell that the file is too long.
    return parse(text, { relax_column_count: true, skip_empty_lines: true, bom: true, to_line: maxRows + 2 }) as string[][];
  } catch (error) {
    throw new AppError('IMPORT_MALFORMED', 400, { reason: (error as Error).message.slice(0, 200) });
  }
}

/** The first worksheet, streamed (styles ignored: dates arrive as Excel serial numbers, see cells.ts). */
async function readXlsx(bytes: Buffer, maxRows: number): Promise<unknown[][]> {
  // Loaded on first use, like the exports: exceljs costs half a second of start-up otherwise.
  const { default: ExcelJS } = await import('exceljs');
  const rows: unknown[][] = [];
  try {
    const reader = new ExcelJS.stream.xlsx.WorkbookReader(Readable.from([bytes]), { sharedStrings: 'cache', worksheets: 'emit', hyperlinks: 'ignore', styles: 'ignore', entries: 'ignore' });
    for await (const sheet of reader) {
      for await (const row of sheet) {
        // row.values is 1-based (index 0 empty); rows with no cells are skipped by the reader, so keep the number.
        const values = (row.values as unknown[]).slice(1);
        rows[row.number - 1] = values;
        if (row.number > maxRows + 1) break;
      }
      break;
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError('IMPORT_MALFORMED', 400, { reason: (error as Error).message.slice(0, 200) });
  }
  return Array.from(rows, (r) => r ?? []);
}

/** The text of a cell as a person sees it: rich text joined, formulas by their result, hyperlinks by their text. */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') {
    const v = value as { richText?: { text: string }[]; text?: unknown; result?: unknown; error?: string };
    if (v.richText) return v.richText.map((r) => r.text).join('').trim();
    if (v.text !== undefined) return cellText(v.text);
    if (v.result !== undefined) return cellText(v.result);
    if (v.error) return '';
  }
  return String(value).trim();
}
