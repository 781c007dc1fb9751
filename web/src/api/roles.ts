import { http } from './http';
import type { DataScope } from './auth';

export interface Role {
  id: number;
  code: string;
  nameZh: string;
  nameEn: string;
  dataScope: DataScope;
  permissions: string[];
  builtin: boolean;
}

export type CreateRole = Omit<Role, 'id' | 'builtin'>;
export type UpdateRole = Partial<Omit<CreateRole, 'code'>>;

export const rolesApi = {
  list: () => http.get<{ items: Role[] }>('/api/system/roles').then((r) => r.items),
  /** The roles I may hand out when managing users (needs no system:role:read). */
  assignable: () => http.get<{ items: Role[] }>('/api/system/roles/assignable').then((r) => r.items),
  create: (body: CreateRole) => http.post<Role>('/api/system/roles', body),
  update: (id: number, body: UpdateRole) => http.patch<Role>(`/api/system/roles/${id}`, body),
  /** Every permission code the server knows, for the role editor and token scopes. */
  permissions: () => http.get<{ items: string[] }>('/api/system/permissions').then((r) => r.items),
};
