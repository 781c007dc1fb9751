import { http, type Page } from './http';

/** The base registry (人、房、企、事、物). The server describes each kind and its fields at /api/registry/kinds. */
export type Entity = 'person' | 'household' | 'house' | 'enterprise' | 'place' | 'device';

export interface EnumOption {
  value: string;
  zh: string;
  en: string;
}

export interface FieldSpec {
  key: string;
  zh: string;
  en: string;
  type: 'text' | 'integer' | 'number' | 'boolean' | 'enum' | 'dictionary' | 'tags' | 'datetime';
  options?: EnumOption[];
  dictionary?: string;
  /** Masked in every view; the full value only through the audited reveal route. */
  personal?: boolean;
}

export interface RecordKindInfo {
  entity: Entity;
  /** URL segment under /api/registry/. */
  path: string;
  label: { zh: string; en: string };
  fields: FieldSpec[];
}

/** One record as the detail and list routes return it: the kind's fields plus location and area. */
export type RegistryRecord = Record<string, unknown> & {
  id: number;
  lng: number | null;
  lat: number | null;
  gridCode: string;
  gridName: string | null;
  villageCode: string;
  villageName: string | null;
  updatedAt: string;
};

/** A map point carries no personal data: the id to open the record, a kind for the symbol, a name, the grid. */
export interface PointCollection {
  type: 'FeatureCollection';
  crs: string;
  /** More points matched than the limit: the layer is incomplete. */
  truncated: boolean;
  features: {
    type: 'Feature';
    id: number;
    geometry: { type: 'Point'; coordinates: [number, number] };
    /** `status` for devices: online or offline. */
    properties: { id: number; kind: string; name: string | null; gridCode: string; status?: string };
  }[];
}

export type Counts = Record<Entity, number>;

export interface AreaCounts {
  code: string;
  name: string | null;
  counts: Counts;
}

export interface DictionaryItem {
  value: string;
  labelZh: string;
  labelEn: string;
  color: string | null;
}

export const registryApi = {
  kinds: () => http.get<{ items: RecordKindInfo[] }>('/api/registry/kinds').then((r) => r.items),
  /** Every point of a kind in my scope (up to `limit`), optionally of one type (`camera`, `sensor`…). */
  points: (path: string, query: { type?: string; limit: number }) => http.get<PointCollection>(`/api/registry/${path}/within`, query),
  get: (path: string, id: number) => http.get<RegistryRecord>(`/api/registry/${path}/${id}`),
  search: (path: string, keyword: string, pageSize: number) => http.get<Page<RegistryRecord>>(`/api/registry/${path}`, { keyword, pageSize, page: 1 }),
  /** Counts of every kind per area of `level`, inside `divisionCode`. */
  stats: (level: 'town' | 'village' | 'grid', divisionCode: string) => http.get<{ items: AreaCounts[] }>('/api/registry/stats', { level, divisionCode }).then((r) => r.items),
  reveal: (path: string, id: number, field: string) => http.post<{ field: string; value: string | null }>(`/api/registry/${path}/${id}/reveal`, { field }),
  /** Labels of dictionary values (sensor kinds, person tags); the route is open to every signed-in user. */
  dictionaries: () => http.get<{ items: Record<string, DictionaryItem[]> }>('/api/system/dictionaries').then((r) => r.items),
};
