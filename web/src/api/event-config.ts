import { download, http, uploadFile, type Page } from './http';

/** Shapes of server/src/modules/events/config/*.routes.ts. */
export type CategoryKind = 'component' | 'event';
export const limitUnits = ['urgent_hour', 'work_hour', 'work_day', 'natural_day'] as const;
export type LimitUnit = (typeof limitUnits)[number];

export interface Standard {
  id: number;
  categoryCode: string;
  registerCondition: string;
  closeCondition: string;
  limitValue: number;
  limitUnit: LimitUnit;
  defaultOrganizationId: number | null;
  defaultOrganizationName: string | null;
  sort: number;
  active: boolean;
}

export interface Category {
  code: string;
  kind: CategoryKind;
  majorCode: string;
  majorName: string;
  minorCode: string;
  minorName: string;
  nameEn: string | null;
  isExtension: boolean;
  active: boolean;
  autoDispatch: boolean;
  reminderAllowed: boolean;
  publicReportable: boolean;
  standards: Standard[];
}

export interface CategoryFilters {
  kind?: CategoryKind | '';
  keyword?: string;
  active?: boolean;
}

export interface CategoryFlags {
  autoDispatch?: boolean;
  reminderAllowed?: boolean;
  publicReportable?: boolean;
}

export interface CreateCategory extends CategoryFlags {
  kind: CategoryKind;
  majorCode: string;
  majorName?: string;
  minorCode: string;
  minorName: string;
  nameEn?: string | null;
}

export type UpdateCategory = CategoryFlags & { majorName?: string; minorName?: string; nameEn?: string | null; active?: boolean };

export interface StandardInput {
  registerCondition: string;
  closeCondition: string;
  limitValue: number;
  limitUnit: LimitUnit;
  defaultOrganizationId: number | null;
}

export interface ImportResult {
  rows: number;
  categoriesCreated: number;
  categoriesRenamed: number;
  standardsCreated: number;
  standardsUpdated: number;
  standardsUnchanged: number;
}

export interface PhaseLimits {
  acceptMinutes: number;
  dispatchMinutes: number;
  verifyMinutes: number;
  checkMinutes: number;
}

export interface ReplyLimit {
  value: number;
  unit: LimitUnit;
}

/** Where the yellow light (and the automatic 催办) starts, and the reply limits of 督办 and 挂牌督办. */
export interface SupervisionRules {
  remindAtPercent: number;
  superviseReplyLimit: ReplyLimit;
  listedReplyLimit: ReplyLimit;
}

export interface Settings {
  workPeriods: { start: string; end: string }[];
  phaseLimits: PhaseLimits;
  urgentPhaseLimits: { urgent: PhaseLimits; critical: PhaseLimits };
  duplicateWindow: { meters: number; hours: number };
  supervision: SupervisionRules;
}

export type DayKind = 'holiday' | 'workday';
export interface CalendarDay {
  date: string;
  kind: DayKind;
  name: string;
}

export interface CalendarImportResult {
  year: number;
  holidays: number;
  workdays: number;
  added: number;
  changed: number;
  removed: number;
}

export interface RoutingRule {
  id: number;
  categoryCode: string | null;
  categoryName: string | null;
  divisionCode: string | null;
  divisionName: string | null;
  source: string | null;
  organizationId: number;
  organizationName: string;
  priority: number;
  active: boolean;
}

/** null = any category / area / source. */
export interface RoutingRuleInput {
  categoryCode: string | null;
  divisionCode: string | null;
  source: string | null;
  organizationId: number;
  priority: number;
  active: boolean;
}

export interface DictionaryItem {
  value: string;
  labelZh: string;
  labelEn: string;
  color: string | null;
}

export const eventConfigApi = {
  categories: (query: CategoryFilters & { page: number; pageSize: number }) => http.get<Page<Category>>('/api/event-config/categories', { ...query }),
  createCategory: (body: CreateCategory) => http.post<Category>('/api/event-config/categories', body),
  updateCategory: (code: string, body: UpdateCategory) => http.patch<Category>(`/api/event-config/categories/${code}`, body),
  createStandard: (body: StandardInput & { categoryCode: string }) => http.post<Standard>('/api/event-config/standards', body),
  updateStandard: (id: number, body: Partial<StandardInput> & { active?: boolean }) => http.patch<Standard>(`/api/event-config/standards/${id}`, body),
  exportStandards: () => download('/api/event-config/standards/export'),
  standardsTemplate: () => download('/api/event-config/standards/template'),
  /** Quiet: the page lists the rows the server refused. */
  importStandards: (file: File) => uploadFile<ImportResult>('/api/event-config/standards/import', file, { quiet: true }),

  settings: () => http.get<Settings>('/api/event-config/settings'),
  updateSettings: (body: Partial<Settings>) => http.patch<Settings>('/api/event-config/settings', body),
  days: (year: number) => http.get<{ items: CalendarDay[] }>('/api/event-config/calendar/days', { year }).then((r) => r.items),
  putDay: (date: string, body: { kind: DayKind; name: string }) => http.put<CalendarDay>(`/api/event-config/calendar/days/${date}`, body),
  deleteDay: (date: string) => http.delete(`/api/event-config/calendar/days/${date}`),
  importDays: (year: number, file: File) => uploadFile<CalendarImportResult>('/api/event-config/calendar/import', file, { query: { year }, quiet: true }),

  rules: (query: { categoryCode?: string; divisionCode?: string; organizationId?: number; page: number; pageSize: number }) =>
    http.get<Page<RoutingRule>>('/api/event-config/routing-rules', { ...query }),
  createRule: (body: RoutingRuleInput) => http.post<RoutingRule>('/api/event-config/routing-rules', body),
  updateRule: (id: number, body: Partial<RoutingRuleInput>) => http.patch<RoutingRule>(`/api/event-config/routing-rules/${id}`, body),
  deleteRule: (id: number) => http.delete(`/api/event-config/routing-rules/${id}`),

  dictionaries: () => http.get<{ items: Record<string, DictionaryItem[]> }>('/api/system/dictionaries').then((r) => r.items),
};
