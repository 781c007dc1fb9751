import { sql, type Kysely, type SqlBool, type Expression, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { DataScope } from '../../auth/actor.ts';
import { divisionPrefix, withinScope } from '../../auth/scope-filter.ts';
import type { AreaGeometry, BBox, LayerShape } from '../../gis/polygon.ts';
import type { BoundarySource } from './grids.tables.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** The layers that carry outlines: the town and its villages in `boundary`, unit grids in `unit_grid`. */
export type ShapeLevel = 'town' | 'village' | 'grid';

export interface ShapeRow {
  code: string;
  geometry: AreaGeometry;
  bbox: BBox;
  area_m2: number;
}

const bboxOverlaps = (bbox: BBox): Expression<SqlBool> =>
  sql<SqlBool>`max_lng >= ${bbox[0]} AND max_lat >= ${bbox[1]} AND min_lng <= ${bbox[2]} AND min_lat <= ${bbox[3]}`;

/** One layer's outlines under common column names (`code`, geometry, bbox, area). */
function shapes(db: Db, level: ShapeLevel) {
  const columns = ['geometry', 'min_lng', 'min_lat', 'max_lng', 'max_lat', 'area_m2', 'updated_at'] as const;
  const source =
    level === 'grid'
      ? db.selectFrom('unit_grid').select(['code', ...columns])
      : db.selectFrom('boundary').select(['division_code as code', ...columns]).where(sql<SqlBool>`length(division_code) = ${level === 'town' ? 9 : 12}`);
  return db.selectFrom(source.as('s')).selectAll('s');
}

const toShape = (r: { code: string; geometry: AreaGeometry; min_lng: number; min_lat: number; max_lng: number; max_lat: number; area_m2: number }): ShapeRow => ({
  code: r.code,
  geometry: r.geometry,
  bbox: [r.min_lng, r.min_lat, r.max_lng, r.max_lat],
  area_m2: r.area_m2,
});

export const gridsRepo = {
  /** Every unit grid, for the in-memory index. */
  async unitGridShapes(db: Db): Promise<LayerShape[]> {
    return (await shapes(db, 'grid').execute()).map(toShape);
  },

  /** unit grid code → responsibility grid id. */
  async assignments(db: Db): Promise<Map<string, number>> {
    const rows = await db.selectFrom('responsibility_grid_unit').select(['unit_grid_code', 'responsibility_grid_id']).execute();
    return new Map(rows.map((r) => [r.unit_grid_code, r.responsibility_grid_id]));
  },

  /** Stored shapes of a layer whose bbox touches `bbox`, for overlap checks. */
  async shapesNear(db: Db, level: ShapeLevel, bbox: BBox): Promise<ShapeRow[]> {
    return (await shapes(db, level).where(bboxOverlaps(bbox)).execute()).map(toShape);
  },

  async shapesByCode(db: Db, level: ShapeLevel, codes: string[]): Promise<Map<string, ShapeRow>> {
    if (codes.length === 0) return new Map();
    const rows = await shapes(db, level).where('s.code', 'in', codes).execute();
    return new Map(rows.map((r) => [r.code, toShape(r)]));
  },

  /** Outlines of one level inside the scope, for the map. */
  boundaries(db: Db, filter: { level: ShapeLevel; scope: DataScope; within?: string; bbox?: BBox }) {
    let q = shapes(db, filter.level)
      .innerJoin('division as d', 'd.code', 's.code')
      .select(['d.name', 'd.level', 'd.parent_code'])
      .where(withinScope('s.code', filter.scope));
    if (filter.within) q = q.where(divisionPrefix('s.code', filter.within));
    if (filter.bbox) q = q.where(bboxOverlaps(filter.bbox));
    return q.orderBy('s.code').execute();
  },

  divisions(db: Db, codes: string[]) {
    if (codes.length === 0) return Promise.resolve([]);
    return db.selectFrom('division').select(['code', 'name', 'level', 'parent_code']).where('code', 'in', codes).execute();
  },

  /** Inserts or replaces the outlines of one level. */
  async saveShapes(db: Db, level: ShapeLevel, rows: ShapeRow[]): Promise<void> {
    if (rows.length === 0) return;
    const values = rows.map((r) => ({
      geometry: JSON.stringify(r.geometry),
      min_lng: r.bbox[0],
      min_lat: r.bbox[1],
      max_lng: r.bbox[2],
      max_lat: r.bbox[3],
      area_m2: r.area_m2,
    }));
    const replace = {
      geometry: sql<string>`excluded.geometry`,
      min_lng: sql<number>`excluded.min_lng`,
      min_lat: sql<number>`excluded.min_lat`,
      max_lng: sql<number>`excluded.max_lng`,
      max_lat: sql<number>`excluded.max_lat`,
      area_m2: sql<number>`excluded.area_m2`,
      updated_at: sql<Date>`now()`,
    };
    if (level === 'grid') {
      await db.insertInto('unit_grid').values(values.map((v, i) => ({ code: rows[i]!.code, ...v }))).onConflict((oc) => oc.column('code').doUpdateSet(replace)).execute();
    } else {
      await db.insertInto('boundary').values(values.map((v, i) => ({ division_code: rows[i]!.code, ...v }))).onConflict((oc) => oc.column('division_code').doUpdateSet(replace)).execute();
    }
  },

  async addHistory(
    db: Db,
    rows: { division_code: string; old_geometry: AreaGeometry | null; new_geometry: AreaGeometry; changed_by: number | null; changed_by_name: string; source: BoundarySource; reason: string }[],
  ) {
    if (rows.length === 0) return [];
    return db
      .insertInto('boundary_history')
      .values(rows.map((r) => ({ ...r, old_geometry: r.old_geometry && JSON.stringify(r.old_geometry), new_geometry: JSON.stringify(r.new_geometry) })))
      .returning(['id', 'division_code'])
      .execute();
  },

  async history(db: Db, filter: { scope: DataScope; within?: string }, window: { limit: number; offset: number }) {
    let q = db.selectFrom('boundary_history as h').where(withinScope('h.division_code', filter.scope));
    if (filter.within) q = q.where(divisionPrefix('h.division_code', filter.within));
    const [total, items] = await Promise.all([
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      q
        .innerJoin('division as d', 'd.code', 'h.division_code')
        .select(['h.id', 'h.division_code', 'd.name as division_name', 'd.level', 'h.old_geometry', 'h.new_geometry', 'h.changed_by', 'h.changed_by_name', 'h.changed_at', 'h.source', 'h.reason'])
        .orderBy('h.id', 'desc')
        .limit(window.limit)
        .offset(window.offset)
        .execute(),
    ]);
    return { total: total.n, items };
  },
};
