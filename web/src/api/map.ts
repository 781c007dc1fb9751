import { http, type Page } from './http';

export type BoundaryLevel = 'town' | 'village' | 'grid';

export interface BoundaryProperties {
  code: string;
  name: string;
  level: BoundaryLevel;
  parentCode: string | null;
  areaM2: number;
  updatedAt: string;
}

/** GeoJSON as the server sends it: always WGS84 longitude/latitude (`crs: 'EPSG:4326'`). */
export interface BoundaryCollection {
  type: 'FeatureCollection';
  crs: 'EPSG:4326';
  features: { type: 'Feature'; id: string; geometry: unknown; properties: BoundaryProperties }[];
}

export interface UserRef {
  id: number;
  username: string;
  displayName: string;
}

export interface ResponsibilityGrid {
  id: number;
  code: string;
  name: string;
  villageCode: string;
  villageName: string;
  primaryUser: UserRef | null;
  backupUser: UserRef | null;
  unitGridCodes: string[];
  updatedAt: string;
}

export const mapApi = {
  /** Outlines of one level in the caller's scope (the server limits them to the division subtree). */
  boundaries: (level: BoundaryLevel) => http.get<BoundaryCollection>('/api/map/boundaries', { level }),
  responsibilityGrids: (query: { villageCode?: string; unitGridCode?: string; pageSize?: number }) =>
    http.get<Page<ResponsibilityGrid>>('/api/map/responsibility-grids', query),
};
