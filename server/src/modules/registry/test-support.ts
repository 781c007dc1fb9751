import ExcelJS from 'exceljs';
import type { App } from '../../app.ts';
import { idNumberCheckCharacter } from './validators/id-number.ts';
import { creditCodeCheckCharacter } from './validators/credit-code.ts';

/** Helpers for the registry tests: valid identifiers, points inside a grid, spreadsheets. */

export const villageA = '330203103201';
export const villageB = '330203103202';

/** A valid ID number: region + birth date + a sequence (odd: male) + its check character. */
export function idNumber(sequence: number, birth = '19850612', region = '330203'): string {
  const first17 = `${region}${birth}${String(sequence).padStart(3, '0')}`;
  return first17 + idNumberCheckCharacter(first17);
}

export function creditCode(serial: number): string {
  const first17 = `91330203${String(serial).padStart(8, '0')}1`;
  return first17 + creditCodeCheckCharacter(first17);
}

/** A point strictly inside a unit grid of the village (checked with the app's own grid index). */
export async function pointIn(app: App, villageCode: string, nth = 0): Promise<{ lng: number; lat: number; gridCode: string }> {
  const grids = await app.db.selectFrom('unit_grid').select(['code', 'min_lng', 'min_lat', 'max_lng', 'max_lat']).where('code', 'like', `${villageCode}%`).orderBy('code').execute();
  const grid = grids[nth % grids.length]!;
  for (let i = 1; i < 400; i++) {
    // A deterministic walk over the bbox (golden-ratio steps) until a point falls in the grid.
    const lng = grid.min_lng + (((i * 0.618034) % 1) * (grid.max_lng - grid.min_lng));
    const lat = grid.min_lat + (((i * 0.414214) % 1) * (grid.max_lat - grid.min_lat));
    if (app.grids.locate(lng, lat)?.unitGridCode === grid.code) return { lng: Math.round(lng * 1e6) / 1e6, lat: Math.round(lat * 1e6) / 1e6, gridCode: grid.code };
  }
  throw new Error(`no point found inside ${grid.code}`);
}

export async function xlsx(headers: string[], rows: unknown[][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('数据');
  sheet.addRow(headers);
  for (const row of rows) sheet.addRow(row);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

export async function readXlsx(bytes: Buffer): Promise<unknown[][]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const rows: unknown[][] = [];
  workbook.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1)));
  return rows;
}
