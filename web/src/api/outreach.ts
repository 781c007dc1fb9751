import { download, http, uploadFile, type Page } from './http';

/** Shapes of server/src/modules/outreach/outreach.routes.ts. Phone numbers arrive masked. */
export const channels = ['sms', 'voice'] as const;
export type Channel = (typeof channels)[number];
/** Whom a category's reminder is for: the shop at the spot, or the owner of the plate the video AI read. */
export const policyParties = ['spot', 'vehicle'] as const;
export type PolicyParty = (typeof policyParties)[number];
export const messageStatuses = ['queued', 'sending', 'sent', 'delivered', 'failed', 'skipped'] as const;
export type MessageStatus = (typeof messageStatuses)[number];
export type ReminderStatus = 'no_party' | 'not_sent' | 'awaiting' | 'complied' | 'not_complied' | 'expired' | 'superseded';

export interface ReminderMessage {
  id: number;
  channel: Channel;
  status: MessageStatus;
  reason: string | null;
  recipient: string;
  attempts: number;
  nextAttemptAt: string | null;
  sentAt: string | null;
  deliveredAt: string | null;
}

export interface Reminder {
  id: number;
  status: ReminderStatus;
  partyKind: 'enterprise' | 'vehicle' | null;
  partyName: string | null;
  recipient: string | null;
  graceMinutes: number | null;
  recheckDueAt: string | null;
  resolvedAt: string | null;
  resolvedSource: string | null;
  createdAt: string;
  messages: ReminderMessage[];
}

export interface EventOutreach {
  eligible: boolean;
  canRemind: boolean;
  canRecheck: boolean;
  reminders: Reminder[];
}

export interface OutreachMessage {
  id: number;
  eventId: number | null;
  eventCode: string | null;
  partyName: string | null;
  channel: Channel;
  body: string;
  recipient: string;
  status: MessageStatus;
  reason: string | null;
  lastError: string | null;
  provider: string | null;
  attempts: number;
  nextAttemptAt: string;
  createdAt: string;
  sentAt: string | null;
  deliveredAt: string | null;
}

export interface MessageFilters {
  status?: MessageStatus | '';
  channel?: Channel | '';
  from?: string;
  to?: string;
}

export interface Rates {
  eligible: number;
  reminded: number;
  complied: number;
  outreachRate: number | null;
  complianceRate: number | null;
}

export interface Template {
  id: number;
  categoryCode: string | null;
  channel: Channel;
  body: string;
  providerTemplateCode: string | null;
  active: boolean;
  updatedAt: string;
}

export interface TemplateCategory {
  code: string;
  name: string;
  nameEn: string | null;
  graceMinutes: number;
  channels: Channel[];
  ownPolicy: boolean;
  party: PolicyParty;
  templates: Template[];
}

export interface TemplateCatalog {
  variables: string[];
  defaults: Template[];
  categories: TemplateCategory[];
}

export interface OutreachSettings {
  quietHours: { start: string; end: string; smsAllowed: boolean };
  rateLimit: { maxMessages: number; windowHours: number };
  partyRadiusMeters: number;
  defaultGraceMinutes: number;
  defaultChannels: Channel[];
  sign: string;
}

export interface OptOut {
  id: number;
  phone: string;
  reason: string;
  divisionCode: string;
  createdByName: string | null;
  createdAt: string;
}

export const outreachApi = {
  event: (id: number) => http.get<EventOutreach>(`/api/outreach/events/${id}`),
  remind: (id: number, body: { plate?: string; channels?: Channel[] }) => http.post<EventOutreach>(`/api/outreach/events/${id}/remind`, body),
  recheck: (id: number, complied: boolean) => http.post<EventOutreach>(`/api/outreach/events/${id}/recheck`, { complied, source: 'manual' }),
  messages: (query: MessageFilters & { page: number; pageSize: number }) => http.get<Page<OutreachMessage>>('/api/outreach/messages', { ...query }),
  rates: (query: { from: string; to: string }) => http.get<Rates>('/api/outreach/rates', query),
  templates: () => http.get<TemplateCatalog>('/api/outreach/templates'),
  createTemplate: (body: { categoryCode: string | null; channel: Channel; body: string; providerTemplateCode: string | null; active: boolean }) => http.post<Template>('/api/outreach/templates', body),
  updateTemplate: (id: number, body: { body: string; providerTemplateCode: string | null; active: boolean }) => http.put<Template>(`/api/outreach/templates/${id}`, body),
  deleteTemplate: (id: number) => http.delete(`/api/outreach/templates/${id}`),
  preview: (body: string, categoryCode: string | null) => http.post<{ text: string; length: number }>('/api/outreach/templates/preview', { body, ...(categoryCode ? { categoryCode } : {}) }, { quiet: true }),
  putPolicy: (code: string, body: { graceMinutes: number; channels: Channel[]; party: PolicyParty }) => http.put(`/api/outreach/policies/${code}`, body),
  settings: () => http.get<OutreachSettings>('/api/outreach/settings'),
  putSettings: (body: OutreachSettings) => http.put<OutreachSettings>('/api/outreach/settings', body),
  optOuts: (query: { page: number; pageSize: number }) => http.get<Page<OptOut>>('/api/outreach/opt-outs', query),
  addOptOut: (body: { phone: string; reason: string }) => http.post<OptOut>('/api/outreach/opt-outs', body),
  removeOptOut: (id: number) => http.delete(`/api/outreach/opt-outs/${id}`),
  vehicles: (query: VehicleQuery) => http.get<Page<Vehicle>>('/api/outreach/vehicles', { ...query }),
  addVehicle: (body: VehicleBody) => http.post<Vehicle>('/api/outreach/vehicles', body),
  updateVehicle: (id: number, body: Partial<VehicleBody>) => http.patch<Vehicle>(`/api/outreach/vehicles/${id}`, body),
  removeVehicle: (id: number) => http.delete(`/api/outreach/vehicles/${id}`),
  revealVehiclePhone: (id: number) => http.post<{ field: string; value: string | null }>(`/api/outreach/vehicles/${id}/reveal`),
  exportVehicles: (query: { keyword?: string }) => download('/api/outreach/vehicles/export', query),
  vehicleTemplate: () => download('/api/outreach/vehicles/import-template'),
  importVehicles: (file: File, mode: VehicleImportMode) => uploadFile<VehicleImportReport>('/api/outreach/vehicles/import', file, { query: { mode }, quiet: true }),
};

/** The plate registry (车辆登记): owners' phones masked. */
export interface Vehicle {
  id: number;
  plate: string;
  ownerName: string | null;
  phone: string;
  enterpriseId: number | null;
  enterpriseName: string | null;
  source: 'manual' | 'import';
  divisionCode: string;
  updatedAt: string;
}
export interface VehicleBody {
  plate: string;
  ownerName: string | null;
  phone: string;
}
export interface VehicleQuery {
  page: number;
  pageSize: number;
  keyword?: string;
}
export type VehicleImportMode = 'all-or-nothing' | 'valid-rows';
export interface VehicleImportReport {
  mode: VehicleImportMode;
  rows: number;
  inserted: number;
  updated: number;
  rejected: number;
  errors: { row: number; column: string | null; field: string; code: string; message: string }[];
  errorsTruncated: boolean;
  ignoredColumns: string[];
}
