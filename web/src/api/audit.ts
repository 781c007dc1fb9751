import { download, http, type Page } from './http';

export interface AuditEntry {
  id: number;
  at: string;
  actorType: 'user' | 'token' | 'system';
  actorName: string;
  ip: string | null;
  action: string;
  entityType: string;
  entityId: string | null;
  divisionCode: string | null;
  changes: Record<string, { from?: unknown; to?: unknown }>;
}

export interface AuditFilters {
  from?: string;
  to?: string;
  actorName?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
}

export const auditApi = {
  list: (query: AuditFilters & { page: number; pageSize: number }) => http.get<Page<AuditEntry>>('/api/system/audit', { ...query }),
  export: (filters: AuditFilters) => download('/api/system/audit/export', { ...filters }),
};
