import { http, type Page } from './http';

export interface ApiToken {
  id: number;
  name: string;
  tokenPrefix: string;
  scopes: string[];
  divisionCode: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface CreateToken {
  name: string;
  scopes: string[];
  expiresAt?: string;
}

export const tokensApi = {
  list: (query: { page: number; pageSize: number }) => http.get<Page<ApiToken>>('/api/system/tokens', query),
  /** The answer carries the plaintext token: the only time it is ever available. */
  create: (body: CreateToken) => http.post<ApiToken & { token: string }>('/api/system/tokens', body),
  revoke: (id: number) => http.post<ApiToken>(`/api/system/tokens/${id}/revoke`),
};
