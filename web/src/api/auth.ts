import { http } from './http';
import type { Locale } from '../i18n';

export type DataScope = 'division' | 'grid' | 'organization' | 'self';

export interface Me {
  user: {
    id: number;
    username: string;
    displayName: string;
    divisionCode: string;
    divisionName: string;
    organizationId: number | null;
    organizationName: string | null;
    roles: string[];
    locale: Locale;
  };
  permissions: string[];
  dataScope: DataScope;
  /** The roots of the area the user may see: their division, or the unit grids they serve. */
  scopeDivisionCodes: string[];
  csrfToken: string;
  sessionIdleMinutes: number;
}

export const authApi = {
  /** Errors are shown on the form itself. */
  login: (username: string, password: string) =>
    http.post<{ csrfToken: string; expiresAt: string }>('/api/auth/login', { username, password }, { quiet: true }),
  logout: () => http.post<void>('/api/auth/logout'),
  /** Quiet: a 401 here just means "not signed in yet". */
  me: () => http.get<Me>('/api/auth/me', undefined, { quiet: true }),
  changePassword: (currentPassword: string, newPassword: string) => http.post<void>('/api/auth/password', { currentPassword, newPassword }),
};
