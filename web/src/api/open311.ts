import { http } from './http';

/** Shapes of server/src/modules/open311/open311.schema.ts (the admin API under /api/open311). */
export const attributeDatatypes = ['string', 'number', 'datetime', 'text', 'singlevaluelist', 'multivaluelist'] as const;
export type AttributeDatatype = (typeof attributeDatatypes)[number];
export const isListDatatype = (datatype: AttributeDatatype) => datatype === 'singlevaluelist' || datatype === 'multivaluelist';

export interface AttributeOption {
  key: string;
  name: string;
  nameEn?: string;
}

export interface Attribute {
  id: number;
  categoryCode: string;
  code: string;
  variable: boolean;
  datatype: AttributeDatatype;
  required: boolean;
  datatypeDescription: string;
  order: number;
  description: string;
  descriptionEn: string | null;
  values: AttributeOption[];
}

export type AttributeInput = Omit<Attribute, 'id' | 'categoryCode' | 'code'>;

export interface DiscoverySettings {
  contact: string;
  keyService: string;
}

export const open311Api = {
  attributes: (serviceCode: string) => http.get<{ items: Attribute[] }>(`/api/open311/services/${serviceCode}/attributes`).then((r) => r.items),
  createAttribute: (serviceCode: string, body: AttributeInput & { code: string }) => http.post<Attribute>(`/api/open311/services/${serviceCode}/attributes`, body),
  updateAttribute: (id: number, body: Partial<AttributeInput>) => http.patch<Attribute>(`/api/open311/attributes/${id}`, body),
  deleteAttribute: (id: number) => http.delete(`/api/open311/attributes/${id}`),
  discovery: () => http.get<DiscoverySettings>('/api/open311/discovery'),
  updateDiscovery: (body: DiscoverySettings) => http.put<DiscoverySettings>('/api/open311/discovery', body),
};
