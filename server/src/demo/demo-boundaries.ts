import type { Transaction } from 'kysely';
import type { MultiPolygon, Polygon, Position } from 'geojson';
import type { DB } from '../db/schema.ts';
import { geometryAreaM2, geometryBBox, type AreaGeometry } from '../gis/polygon.ts';
import { gridsRepo, type ShapeLevel } from '../modules/grids/grids.repo.ts';
import type { DemoVillage } from './demo-town.ts';
import { seededRandom } from './random.ts';

/**
 * Deterministic outlines for the demo town (around 古林镇: lng 121.40–121.52, lat 29.80–29.90):
 * - a 6 × 6 lattice of jittered shared vertices; 34 of its cells are the villages (two corners are
 *   left out so the town is not a rectangle), the six communities in the middle;
 * - the town outline is the boundary of the union of those cells, on the same vertices;
 * - each village is cut into its unit grids by bilinear subdivision in 2–3 rows: neighbouring grids
 *   share their vertices exactly (a row line carries the column vertices of both rows beside it);
 * - three grids have a hole (a factory enclave) that belongs to the next grid as a second polygon.
 */
const lattice = { cols: 6, rows: 6, west: 121.4, east: 121.52, south: 29.8, north: 29.9 };
const missingCells = new Set(['0,5', '5,0']);
const communityCells = ['2,3', '3,3', '4,3', '2,2', '3,2', '4,2'];
/** The grid (sequence 01) of these villages gets a hole; the enclave belongs to grid 02. */
const villagesWithEnclave = ['330203103001', '330203103205', '330203103220'];

type Quad = { sw: Position; se: Position; ne: Position; nw: Position };

export interface DemoOutlines {
  town: Polygon;
  villages: Map<string, Polygon>;
  grids: Map<string, Polygon | MultiPolygon>;
}

export function demoOutlines(villages: DemoVillage[]): DemoOutlines {
  const random = seededRandom(3302031);
  const cellW = (lattice.east - lattice.west) / lattice.cols;
  const cellH = (lattice.north - lattice.south) / lattice.rows;
  const vertices: Position[][] = [];
  for (let i = 0; i <= lattice.cols; i++) {
    vertices.push([]);
    for (let j = 0; j <= lattice.rows; j++) {
      const jitter = (size: number) => (random.next() - 0.5) * 0.3 * size;
      vertices[i]!.push([round(lattice.west + i * cellW + jitter(cellW)), round(lattice.south + j * cellH + jitter(cellH))]);
    }
  }
  const cells: string[] = [];
  for (let r = lattice.rows - 1; r >= 0; r--) for (let c = 0; c < lattice.cols; c++) if (!missingCells.has(`${c},${r}`)) cells.push(`${c},${r}`);
  // Communities in the middle, villages around them, numbered west → east, north → south.
  const order = [...communityCells, ...cells.filter((cell) => !communityCells.includes(cell))];
  if (order.length !== villages.length) throw new Error(`demo outlines: ${order.length} cells for ${villages.length} villages`);

  const villageOutlines = new Map<string, Polygon>();
  const grids = new Map<string, Polygon | MultiPolygon>();
  villages.forEach((village, n) => {
    const [c, r] = order[n]!.split(',').map(Number) as [number, number];
    const quad = { sw: vertices[c]![r]!, se: vertices[c + 1]![r]!, ne: vertices[c + 1]![r + 1]!, nw: vertices[c]![r + 1]! };
    villageOutlines.set(village.code, { type: 'Polygon', coordinates: [[quad.sw, quad.se, quad.ne, quad.nw, quad.sw]] });
    for (const [code, geometry] of subdivide(quad, village.gridCodes, villagesWithEnclave.includes(village.code))) grids.set(code, geometry);
  });
  return { town: townOutline(order, vertices), villages: villageOutlines, grids };
}

/** Lattice corners get six decimals (about 0.1 m) like surveyed data; points between them are interpolated. */
const round = (value: number) => Math.round(value * 1e6) / 1e6;

function bilinear(q: Quad, u: number, v: number): Position {
  const lng = q.sw[0]! * (1 - u) * (1 - v) + q.se[0]! * u * (1 - v) + q.ne[0]! * u * v + q.nw[0]! * (1 - u) * v;
  const lat = q.sw[1]! * (1 - u) * (1 - v) + q.se[1]! * u * (1 - v) + q.ne[1]! * u * v + q.nw[1]! * (1 - u) * v;
  return [lng, lat];
}

/** The village's grids in rows (north → south) of columns (west → east), numbered in that order. */
function subdivide(quad: Quad, codes: string[], withEnclave: boolean): [string, Polygon | MultiPolygon][] {
  const rows = codes.length <= 8 ? 2 : 3;
  const cols = Array.from({ length: rows }, (_, k) => Math.floor(codes.length / rows) + (k < codes.length % rows ? 1 : 0));
  const v = (line: number) => (rows - line) / rows;
  // Row line k lies between row k-1 above and row k below and carries the column breaks of both.
  const breaks = (line: number) => {
    const set = new Set<number>();
    for (const row of [line - 1, line]) if (row >= 0 && row < rows) for (let c = 0; c <= cols[row]!; c++) set.add(c / cols[row]!);
    return [...set].sort((a, b) => a - b);
  };
  const result: [string, Polygon | MultiPolygon][] = [];
  let next = 0;
  for (let k = 0; k < rows; k++) {
    for (let c = 0; c < cols[k]!; c++) {
      const [ua, ub] = [c / cols[k]!, (c + 1) / cols[k]!];
      const south = breaks(k + 1).filter((u) => u >= ua && u <= ub).map((u) => bilinear(quad, u, v(k + 1)));
      const north = breaks(k).filter((u) => u >= ua && u <= ub).map((u) => bilinear(quad, u, v(k)));
      result.push([codes[next++]!, { type: 'Polygon', coordinates: [[...south, ...north.reverse(), south[0]!]] }]);
    }
  }
  if (withEnclave) {
    // A small block inside grid 01 (the north-west grid) that belongs to grid 02 (its eastern neighbour).
    const [u0, u1, v0, v1] = [0.3 / cols[0]!, 0.6 / cols[0]!, v(1) + 0.35 / rows, v(1) + 0.65 / rows];
    const block = [bilinear(quad, u0, v0), bilinear(quad, u1, v0), bilinear(quad, u1, v1), bilinear(quad, u0, v1)];
    const [first, second] = result as [[string, Polygon], [string, Polygon | MultiPolygon]];
    first[1].coordinates.push([block[0]!, block[3]!, block[2]!, block[1]!, block[0]!]); // holes run clockwise
    second[1] = { type: 'MultiPolygon', coordinates: [(second[1] as Polygon).coordinates, [[...block, block[0]!]]] };
  }
  return result;
}

/** The outer ring of the union of the village cells: the lattice edges that only one cell has. */
function townOutline(cells: string[], vertices: Position[][]): Polygon {
  const edges = new Set<string>();
  for (const cell of cells) {
    const [c, r] = cell.split(',').map(Number) as [number, number];
    const corners = [`${c},${r}`, `${c + 1},${r}`, `${c + 1},${r + 1}`, `${c},${r + 1}`];
    corners.forEach((from, i) => edges.add(`${from}>${corners[(i + 1) % 4]}`));
  }
  // Counter-clockwise cells run a shared edge once each way; the outline's edges run once.
  const next = new Map<string, string>();
  for (const edge of edges) {
    const [from, to] = edge.split('>') as [string, string];
    if (!edges.has(`${to}>${from}`)) next.set(from, to);
  }
  const start = next.keys().next().value!;
  const ring: Position[] = [];
  let at = start;
  do {
    const [i, j] = at.split(',').map(Number) as [number, number];
    ring.push(vertices[i]![j]!);
    at = next.get(at)!;
  } while (at !== start);
  return { type: 'Polygon', coordinates: [[...ring, ring[0]!]] };
}

/**
 * Stores the demo outlines (with a history entry each) and one responsibility grid per 1–3 unit grids.
 * The sign-in account `grid` takes the post of its home unit grid's worker and is also the backup of the
 * next village's first responsibility grid, so the demo shows a grid scope that spans two villages.
 */
export async function seedDemoBoundaries(
  trx: Transaction<DB>,
  townCode: string,
  villages: DemoVillage[],
  userIds: Map<string, number>,
  gridAccount: { userId: number; homeGrid: string },
) {
  const outlines = demoOutlines(villages);
  const layers: [ShapeLevel, Map<string, AreaGeometry>][] = [
    ['town', new Map([[townCode, outlines.town]])],
    ['village', outlines.villages],
    ['grid', outlines.grids],
  ];
  for (const [level, shapes] of layers) {
    const rows = [...shapes].map(([code, geometry]) => ({ code, geometry, bbox: geometryBBox(geometry), area_m2: geometryAreaM2(geometry) }));
    await gridsRepo.saveShapes(trx, level, rows);
    await gridsRepo.addHistory(
      trx,
      rows.map((r) => ({ division_code: r.code, old_geometry: null, new_geometry: r.geometry, changed_by: null, changed_by_name: 'system', source: 'seed' as const, reason: '演示数据初始化' })),
    );
  }

  const random = seededRandom(20261127);
  const worker = (gridCode: string) => (gridCode === gridAccount.homeGrid ? gridAccount.userId : (userIds.get(`g${gridCode.slice(-5)}`) ?? null));
  const bundles = villages.flatMap((village) => {
    const units: string[][] = [];
    for (let i = 0; i < village.gridCodes.length; ) {
      const size = random.int(1, 3);
      units.push(village.gridCodes.slice(i, i + size));
      i += size;
    }
    // The backup is the primary of the next bundle in the village (of the previous one for the last).
    return units.map((grids, k) => ({
      grids,
      row: {
        code: `${village.code}-R${String(k + 1).padStart(2, '0')}`,
        name: `${village.name}第${k + 1}责任网格`,
        village_code: village.code,
        primary_user_id: worker(grids[0]!),
        backup_user_id: worker((units[k + 1] ?? units[k - 1]!)[0]!),
      },
    }));
  });
  const home = villages.findIndex((v) => gridAccount.homeGrid.startsWith(v.code));
  const neighbour = villages[home + 1] ?? villages[home - 1];
  const across = bundles.find((b) => neighbour && b.row.village_code === neighbour.code);
  if (across) across.row.backup_user_id = gridAccount.userId;
  const inserted = await trx.insertInto('responsibility_grid').values(bundles.map((b) => b.row)).returning(['id', 'code']).execute();
  const idByCode = new Map(inserted.map((r) => [r.code, r.id]));
  await trx
    .insertInto('responsibility_grid_unit')
    .values(bundles.flatMap((b) => b.grids.map((unit_grid_code) => ({ unit_grid_code, responsibility_grid_id: idByCode.get(b.row.code)! }))))
    .execute();
}
