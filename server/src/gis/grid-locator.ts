/**
 * Where a point falls: its unit grid (单元网格, 14-digit code), village/community and responsibility
 * grid (责任网格). Coordinates are WGS84/CGCS2000 longitude/latitude.
 * Implemented by the grids module's in-memory spatial index; other modules (registry, events) only
 * depend on this interface, read from `app.grids`.
 */
export interface GridLocation {
  unitGridCode: string;
  villageCode: string;
  responsibilityGridId: number | null;
}

export interface GridLocator {
  /** null when the point lies outside every unit grid (e.g. outside the town). */
  locate(lng: number, lat: number): GridLocation | null;
}
