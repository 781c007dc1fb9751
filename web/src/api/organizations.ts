import { http } from './http';

export const organizationKinds = ['command_center', 'department', 'line', 'grid_force', 'auxiliary_force', 'law_enforcement', 'service'] as const;
export type OrganizationKind = (typeof organizationKinds)[number];

export interface Organization {
  id: number;
  parentId: number | null;
  code: string;
  name: string;
  kind: OrganizationKind;
  divisionCode: string;
  sort: number;
}

export interface CreateOrganization {
  parentId: number | null;
  code: string;
  name: string;
  kind: OrganizationKind;
  divisionCode: string;
  sort?: number;
}

export type UpdateOrganization = Partial<Pick<CreateOrganization, 'name' | 'kind' | 'parentId' | 'sort'>>;

export const organizationsApi = {
  list: () => http.get<{ items: Organization[] }>('/api/system/organizations').then((r) => r.items),
  create: (body: CreateOrganization) => http.post<Organization>('/api/system/organizations', body),
  update: (id: number, body: UpdateOrganization) => http.patch<Organization>(`/api/system/organizations/${id}`, body),
};
