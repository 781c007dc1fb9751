import type { ColumnType, Generated } from 'kysely';
import type { AreaGeometry } from '../../gis/polygon.ts';

/** Kysely types of migration 0003_grids.sql. Geometries are read as objects, written as JSON text. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Geometry = ColumnType<AreaGeometry, string, string>;
type NullableGeometry = ColumnType<AreaGeometry | null, string | null, string | null>;

interface ShapeColumns {
  geometry: Geometry;
  min_lng: number;
  min_lat: number;
  max_lng: number;
  max_lat: number;
  area_m2: number;
  updated_at: Timestamp;
}

/** Outlines of the town (9-digit code) and its villages (12 digits). */
export interface BoundaryTable extends ShapeColumns {
  division_code: string;
}

/** Unit grids (14-digit division codes). */
export interface UnitGridTable extends ShapeColumns {
  code: string;
}

export interface ResponsibilityGridTable {
  id: Generated<number>;
  code: string;
  name: string;
  village_code: string;
  primary_user_id: number | null;
  backup_user_id: number | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ResponsibilityGridUnitTable {
  unit_grid_code: string;
  responsibility_grid_id: number;
}

export type BoundarySource = 'seed' | 'import' | 'edit';

export interface BoundaryHistoryTable {
  id: Generated<number>;
  division_code: string;
  old_geometry: NullableGeometry;
  new_geometry: Geometry;
  changed_by: number | null;
  changed_by_name: string;
  changed_at: Timestamp;
  source: BoundarySource;
  reason: string;
}

export interface GridTables {
  boundary: BoundaryTable;
  unit_grid: UnitGridTable;
  responsibility_grid: ResponsibilityGridTable;
  responsibility_grid_unit: ResponsibilityGridUnitTable;
  boundary_history: BoundaryHistoryTable;
}
