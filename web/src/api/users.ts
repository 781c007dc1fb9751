import { http, type Page } from './http';
import type { Locale } from '../i18n';

export type UserStatus = 'active' | 'disabled';

export interface User {
  id: number;
  username: string;
  displayName: string;
  divisionCode: string;
  divisionName: string;
  organizationId: number | null;
  organizationName: string | null;
  status: UserStatus;
  locale: Locale;
  roles: string[];
  lastLoginAt: string | null;
  lockedUntil: string | null;
  createdAt: string;
}

export interface UserQuery {
  page: number;
  pageSize: number;
  keyword?: string;
  divisionCode?: string;
  status?: UserStatus | '';
}

export interface CreateUser {
  username: string;
  displayName: string;
  password: string;
  divisionCode: string;
  organizationId: number | null;
  roles: string[];
  locale?: Locale;
}

export type UpdateUser = Partial<Omit<CreateUser, 'username'> & { status: UserStatus }>;

export const usersApi = {
  list: (query: UserQuery) => http.get<Page<User>>('/api/system/users', { ...query }),
  create: (body: CreateUser) => http.post<User>('/api/system/users', body),
  update: (id: number, body: UpdateUser) => http.patch<User>(`/api/system/users/${id}`, body),
};
