import { http, type Page } from './http';
import type { TrafficLight } from './events';

/** Shapes of server/src/modules/supervision/supervision.schema.ts. */
export type SupervisionLevel = 'remind' | 'supervise' | 'listed';
export type SupervisionStatus = 'open' | 'replied' | 'closed';
export type Satisfaction = 'satisfied' | 'basically_satisfied' | 'dissatisfied';
export const supervisionLevels: SupervisionLevel[] = ['remind', 'supervise', 'listed'];
export const supervisionStatuses: SupervisionStatus[] = ['open', 'replied', 'closed'];
export const satisfactions: Satisfaction[] = ['satisfied', 'basically_satisfied', 'dissatisfied'];

export interface Supervision {
  id: number;
  eventId: number;
  level: SupervisionLevel;
  trigger: 'auto' | 'manual';
  phase: string | null;
  phaseDeadline: string | null;
  organizationId: number | null;
  organizationName: string | null;
  requirement: string;
  replyRequired: boolean;
  replyDeadline: string | null;
  replyOverdue: boolean;
  reply: string | null;
  repliedAt: string | null;
  repliedByName: string | null;
  status: SupervisionStatus;
  createdByName: string | null;
  createdAt: string;
  closedAt: string | null;
  canReply: boolean;
  canClose: boolean;
}

export interface SupervisionListItem extends Supervision {
  event: { id: number; code: string; title: string; state: string; divisionCode: string; divisionName: string | null; phase: string | null; phaseDeadline: string | null; light: TrafficLight | null };
}

export interface Callback {
  id: number;
  closedAt: string;
  satisfaction: Satisfaction;
  resolved: boolean;
  contacted: boolean;
  valid: boolean;
  comment: string;
  channel: 'h5' | 'staff' | 'open311';
  recordedByName: string | null;
  handlingUnitName: string | null;
  at: string;
}

export interface EventSupervision {
  items: Supervision[];
  canList: boolean;
  /** The reply deadline first offered for a 挂牌督办 (the supervision rules), when I may list. */
  listReplyDeadline: string | null;
  callbacks: Callback[];
  canCallback: boolean;
}

export interface SupervisionFilters {
  level?: SupervisionLevel | '';
  status?: SupervisionStatus | '';
  divisionCode?: string;
  overdueReply?: boolean;
}

export interface CallbackBody {
  satisfaction: Satisfaction;
  resolved: boolean;
  comment?: string;
  contacted?: boolean;
  valid?: boolean;
}

export interface PublicCallback {
  canCallback: boolean;
  callback: { satisfaction: Satisfaction; resolved: boolean; comment: string; at: string } | null;
}

/** Writes are quiet: the dialogs show refusals (409) themselves and reload the panel. */
export const supervisionApi = {
  list: (query: SupervisionFilters & { page: number; pageSize: number }) => http.get<Page<SupervisionListItem>>('/api/supervision', { ...query, overdueReply: query.overdueReply || undefined }),
  ofEvent: (eventId: number) => http.get<EventSupervision>(`/api/supervision/events/${eventId}`),
  listEvent: (eventId: number, body: { requirement: string; replyDeadline: string }) => http.post<EventSupervision>(`/api/supervision/events/${eventId}/list`, body, { quiet: true }),
  reply: (id: number, reply: string) => http.post<EventSupervision>(`/api/supervision/${id}/reply`, { reply }, { quiet: true }),
  close: (id: number, note?: string) => http.post<EventSupervision>(`/api/supervision/${id}/close`, { note }, { quiet: true }),
  callback: (eventId: number, body: CallbackBody) => http.post<Pick<EventSupervision, 'callbacks' | 'canCallback'>>(`/api/supervision/events/${eventId}/callback`, body, { quiet: true }),
};

/** The resident's callback on the H5 page (no sign-in; code + follow token). */
export const publicCallbackApi = {
  status: (code: string, token: string) => http.get<PublicCallback>(`/api/public/callbacks/${encodeURIComponent(code)}`, { token }, { quiet: true }),
  give: (code: string, body: { token: string; satisfaction: Satisfaction; resolved: boolean; comment?: string }) => http.post<PublicCallback>(`/api/public/callbacks/${encodeURIComponent(code)}`, body, { quiet: true }),
};
