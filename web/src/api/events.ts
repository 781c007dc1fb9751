import { http, uploadFile, type Page } from './http';

/** Shapes of server/src/modules/events/events.schema.ts. */
export const eventStates = [
  'pending_placement',
  'reported',
  'verifying',
  'pending_register',
  'pending_dispatch',
  'pending_sign',
  'handling',
  'suspended',
  'handled',
  'checking',
  'pending_close',
  'closed',
  'cancelled',
] as const;
export type EventState = (typeof eventStates)[number];

export const queueNames = ['accept', 'verify', 'register', 'dispatch', 'handle', 'check', 'close', 'suspended'] as const;
export type QueueName = (typeof queueNames)[number];

export type EventAction =
  | 'place'
  | 'accept'
  | 'request_verify'
  | 'verify'
  | 'register'
  | 'reject'
  | 'dispatch'
  | 'sign'
  | 'return'
  | 'co_assign'
  | 'submit'
  | 'request_extension'
  | 'approve_extension'
  | 'reject_extension'
  | 'suspend'
  | 'resume'
  | 'request_check'
  | 'check_pass'
  | 'check_fail'
  | 'close'
  | 'cancel'
  | 'force_close'
  | 'reopen'
  | 'appeal'
  | 'decide_appeal';

export type Urgency = 'normal' | 'urgent' | 'critical';
export type TrafficLight = 'green' | 'yellow' | 'red';
/** The six steps residents see, plus cancelled. */
export const publicStages = ['reported', 'registered', 'dispatched', 'handling', 'feedback', 'closed'] as const;
export type PublicStage = (typeof publicStages)[number] | 'cancelled';

export interface EventSummary {
  id: number;
  code: string;
  source: string;
  categoryCode: string | null;
  categoryName: string | null;
  title: string;
  address: string;
  divisionCode: string;
  /** The grid's name (it carries the village), or the town's while unplaced. */
  divisionName: string | null;
  gridCode: string | null;
  urgency: Urgency;
  state: EventState;
  phase: string | null;
  phaseDeadline: string | null;
  light: TrafficLight | null;
  handlingUnitId: number | null;
  handlingUnitName: string | null;
  reportedAt: string;
}

export interface Unit {
  id: number;
  name: string;
}

export interface EventView extends EventSummary {
  description: string;
  sourceRef: string | null;
  /** The 立案条件 applied (chosen at 立案, else the category's first at dispatch). */
  standardId: number | null;
  lng: number | null;
  lat: number | null;
  reporterName: string | null;
  reporterPhone: string | null;
  stage: PublicStage;
  phaseStartedAt: string | null;
  coUnits: Unit[];
  handleDeadline: string | null;
  handleTimedOut: boolean;
  extensionCount: number;
  extensionRequest: string | null;
  suspendedUntil: string | null;
  reworkCount: number;
  returnCount: number;
  dispatchCount: number;
  closeType: string | null;
  closedAt: string | null;
  appealStatus: 'none' | 'pending' | 'approved' | 'rejected';
  mergedIntoId: number | null;
  version: number;
}

export interface HistoryEntry {
  id: number;
  at: string;
  actorType: string;
  actorName: string;
  action: string;
  fromState: string | null;
  toState: string;
  note: string;
  organizationId: number | null;
  organizationName: string | null;
  fileIds: number[];
  details: Record<string, unknown>;
}

export interface Photo {
  id: number;
  mime: string;
  name: string;
  hasThumbnail: boolean;
}

export interface Duplicate {
  id: number;
  code: string;
  state: EventState;
  title: string;
  reportedAt: string;
  distanceMeters: number;
}

export interface EventDetail {
  event: EventView;
  timeline: HistoryEntry[];
  photos: { before: Photo[]; after: Photo[] };
  duplicates: Duplicate[];
  actions: EventAction[];
  canMerge: boolean;
  dispatchSuggestions: { organizationId: number; name: string; priority: number | null }[];
}

export interface QueueCount {
  queue: QueueName;
  states: EventState[];
  count: number;
}

export interface EventFilters {
  queue?: QueueName;
  keyword?: string;
  categoryCode?: string;
  source?: string;
  divisionCode?: string;
  urgency?: Urgency | '';
  overdue?: boolean;
}

export interface ActionBody {
  reason?: string;
  note?: string;
  fileIds?: number[];
  organizationId?: number;
  /** `register`: the 立案条件 that applies. */
  standardId?: number;
  coUnitIds?: number[];
  until?: string;
  decision?: 'approve' | 'reject';
  /** `place`: where an event outside every grid really is. */
  location?: { lng: number; lat: number; crs: 'WGS84' };
  clientActionId: string;
}

export interface IntakeBody {
  source: string;
  categoryCode: string;
  description: string;
  title?: string;
  address?: string;
  location?: { lng: number; lat: number; crs: 'WGS84' | 'GCJ02' | 'BD09' | 'CGCS2000' };
  urgency?: Urgency;
  fileIds?: number[];
  reporter?: { name?: string; phone?: string };
}

export interface UploadedFile {
  id: number;
  mime: string;
  originalName: string;
  hasThumbnail: boolean;
}

/** Paging object plus `capped`: the server stops counting at 10,000. */
export type EventPage = Page<EventSummary> & { capped: boolean };

export const fileUrl = {
  thumbnail: (id: number) => `/api/files/${id}/thumbnail`,
  content: (id: number) => `/api/files/${id}/content`,
};

export const eventsApi = {
  queues: () => http.get<{ items: QueueCount[] }>('/api/events/queues').then((r) => r.items),
  list: (query: EventFilters & { page: number; pageSize: number }) => http.get<EventPage>('/api/events', { ...query, overdue: query.overdue || undefined }),
  get: (id: number) => http.get<EventDetail>(`/api/events/${id}`),
  /** Quiet: a refused step (409) is shown by the dialog, which then reloads the event. */
  act: (id: number, action: EventAction, body: ActionBody) => http.post<EventDetail>(`/api/events/${id}/actions/${action}`, body, { quiet: true }),
  merge: (id: number, intoId: number, clientActionId: string) => http.post<EventDetail>(`/api/events/${id}/merge`, { intoId, clientActionId }, { quiet: true }),
  create: (body: IntakeBody) => http.post<{ event: EventView }>('/api/events', body, { quiet: true }),
  uploadPhoto: (file: Blob) => uploadFile<UploadedFile>('/api/files', file),
};

/** A fresh id per click: the server ignores a repeated one, so a double click acts once. */
export const newClientActionId = () => crypto.randomUUID();

// ---- the resident H5 page (no sign-in)

export interface PublicProgress {
  code: string;
  categoryName: string | null;
  reportedAt: string;
  stage: PublicStage;
  steps: { stage: (typeof publicStages)[number]; at: string | null }[];
  /** The unit's latest answer to the reporter (handling result, closure note, or why it was not taken up). */
  reply: string | null;
}

export interface PublicCategory {
  code: string;
  kind: 'event' | 'component';
  majorName: string;
  minorName: string;
  nameEn: string | null;
}

export interface PublicReport {
  categoryCode: string;
  description: string;
  location?: { lng: number; lat: number; crs: 'WGS84' };
  address?: string;
  photos?: string[];
  name?: string;
  phone?: string;
}

/** Every call is quiet: the H5 page shows errors in its own (Vant) style. */
export const publicEventsApi = {
  categories: () => http.get<{ items: PublicCategory[] }>('/api/public/event-categories', undefined, { quiet: true }).then((r) => r.items),
  uploadPhoto: (file: Blob) => uploadFile<{ photo: string; mime: string; size: number }>('/api/public/files', file, { quiet: true }),
  report: (body: PublicReport) => http.post<{ code: string; followToken: string }>('/api/public/events', body, { quiet: true }),
  progress: (code: string, token: string) => http.get<PublicProgress>(`/api/public/events/${encodeURIComponent(code)}`, { token }, { quiet: true }),
};
