
export interface XlsxColumn<T> {
  header: string;
  width?: number;
  value: (row: T) => string | number | boolean | null | undefined;
}

/**
 * A cell that starts with = + - @ (or a tab/CR) would be run as a formula by Excel ("CSV injection"):
 * such text is prefixed with an apostrophe so it stays text.
 */
export function escapeCell(value: string | number | boolean | null | undefined): string | number | boolean | null {
  if (typeof value !== 'string') return value ?? null;
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export async function buildXlsx<T>(sheetName: string, columns: XlsxColumn<T>[], rows: Iterable<T>): Promise<Buffer> {
  // Loaded on first export: exceljs costs half a second of start-up otherwise.
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.created = new Date();
  const sheet = workbook.addWorksheet(sheetName);
  sheet.columns = columns.map((c) => ({ header: c.header, width: c.width ?? 18 }));
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(columns.map((c) => escapeCell(c.value(row))));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export const xlsxMime = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The Content-Disposition of a download, with a UTF-8 (Chinese) file name. */
export const attachment = (name: string) => `attachment; filename*=UTF-8''${encodeURIComponent(name)}`;

/** Shown in Asia/Shanghai as officials read it: 2026-11-26 14:05:09. */
export function formatShanghai(date: Date | null | undefined): string {
  if (!date) return '';
  return new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(date);
}
