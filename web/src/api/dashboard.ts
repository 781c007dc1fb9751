import { http } from './http';
import type { EventSummary } from './events';

/** Shapes of server/src/modules/dashboard/dashboard.schema.ts. */
export type SupervisionLevel = 'remind' | 'supervise' | 'listed';
export type DivisionLevel = 'county' | 'town' | 'village' | 'grid';

export interface DashboardEvent extends EventSummary {
  supervisionLevel: SupervisionLevel | null;
}

export interface DashboardArea {
  code: string;
  name: string;
  level: DivisionLevel;
}

export interface RankedArea {
  code: string;
  name: string;
  reported: number;
  open: number;
  overdue: number;
  current: boolean;
}

export interface Snapshot {
  division: DashboardArea;
  path: DashboardArea[];
  generatedAt: string;
  today: string;
  period: { days: number; from: string };
  funnel: { reported: number; registered: number; dispatched: number; handled: number; closed: number };
  counts: { open: number; overdue: number; supervised: number; reportedToday: number; closedToday: number };
  overdue: { total: number; items: DashboardEvent[] };
  supervised: { total: number; items: DashboardEvent[] };
  categories: { code: string; name: string; nameEn: string | null; count: number }[];
  sources: { source: string; count: number }[];
  ranking: { level: 'town' | 'village' | 'grid'; items: RankedArea[] };
  heatmap: { cellDegrees: number; points: { lng: number; lat: number; count: number }[]; capped: boolean };
  latest: DashboardEvent[];
  /** Figures other modules contribute (sensing: devices online, alarms, AI detections); labelled `dashboard.indicators.<key>`. */
  indicators: { key: string; value: number | null; unit: 'count' | 'percent' }[];
}

export const dashboardApi = {
  snapshot: (code: string, query: { days: number; top?: number }) => http.get<Snapshot>(`/api/dashboard/${code}`, query, { quiet: true }),
  feed: (code: string, limit = 20) => http.get<{ items: DashboardEvent[] }>(`/api/dashboard/${code}/feed`, { limit }, { quiet: true }),
};
