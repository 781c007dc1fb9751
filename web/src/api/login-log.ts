import { download, http, type Page } from './http';

export interface LoginLogEntry {
  id: number;
  at: string;
  username: string;
  success: boolean;
  reason: string;
  ip: string | null;
  userAgent: string | null;
}

export interface LoginLogFilters {
  username?: string;
  success?: boolean;
  from?: string;
  to?: string;
}

export const loginLogApi = {
  list: (query: LoginLogFilters & { page: number; pageSize: number }) => http.get<Page<LoginLogEntry>>('/api/system/login-log', { ...query }),
  export: (filters: LoginLogFilters) => download('/api/system/login-log/export', { ...filters }),
};
