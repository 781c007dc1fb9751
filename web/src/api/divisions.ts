import { http } from './http';

export type DivisionLevel = 'county' | 'town' | 'village' | 'grid';

export interface Division {
  code: string;
  parentCode: string | null;
  name: string;
  level: DivisionLevel;
  sort: number;
}

export interface CreateDivision {
  code: string;
  parentCode: string;
  name: string;
  sort?: number;
}

export const divisionsApi = {
  list: () => http.get<{ items: Division[] }>('/api/system/divisions').then((r) => r.items),
  create: (body: CreateDivision) => http.post<Division>('/api/system/divisions', body),
  update: (code: string, body: { name?: string; sort?: number }) => http.patch<Division>(`/api/system/divisions/${code}`, body),
};
