import { http, type Page } from './http';
import type { RegistryRecord } from './registry';

/** Shapes of server/src/modules/devices/devices.schema.ts. */
export const severities = ['critical', 'major', 'minor', 'warning'] as const;
export type Severity = (typeof severities)[number];
export type ComparisonOp = '>' | '>=' | '<' | '<=' | '==' | 'between';

export interface Condition {
  op: ComparisonOp;
  value: number;
  value2?: number;
}
export interface Level extends Condition {
  severity: Severity;
}

export interface DeviceSummary {
  id: number;
  deviceType: 'camera' | 'sensor';
  name: string;
  channelId: string | null;
  serialNo: string | null;
  sensorKind: string | null;
  aiEnabled: boolean;
  status: 'online' | 'offline';
  lastSeenAt: string | null;
  address: string | null;
  gridCode: string;
  villageName: string | null;
  reporting: boolean;
  activeAlarms: number;
  topSeverity: Severity | null;
}

export interface DeviceFilters {
  type: '' | 'camera' | 'sensor';
  sensorKind: string;
  status: '' | 'online' | 'offline';
  divisionCode: string;
  keyword: string;
  alarmed: boolean;
}

/** A rule of the device's kind with the device's own thresholds applied. */
export interface DeviceRule extends Omit<AlarmRule, 'sensorKind' | 'active' | 'sourceNote' | 'updatedAt'> {
  overridden: boolean;
  enabled: boolean;
}

/** A device's own thresholds for one alarm type of its kind; what is left out comes from the kind's rule. */
export interface RuleOverride {
  levels?: Level[];
  clear?: Condition | null;
  enabled?: boolean;
}

export type RuleMode = 'simple' | 'duration' | 'repeating';

/** An alarm rule of a sensor kind, as `/api/alarm-rules` takes it (the import format). */
export interface AlarmRuleInput {
  sensorKind: string;
  alarmType: string;
  nameZh: string;
  nameEn: string;
  key: string;
  levels: Level[];
  mode: RuleMode;
  durationSeconds?: number | null;
  repeatCount?: number | null;
  clear: Condition | null;
  eventCategory: string | null;
  eventMinSeverity: Severity | null;
  active?: boolean;
  sourceNote?: string;
}

export interface AlarmRule extends AlarmRuleInput {
  id: number;
  durationSeconds: number | null;
  repeatCount: number | null;
  active: boolean;
  sourceNote: string;
  updatedAt: string;
}

export interface Zone {
  id: number;
  name: string;
  zoneType: string;
  polygon: [number, number][];
  imageWidth: number;
  imageHeight: number;
  active: boolean;
}

export interface DeviceDetail {
  device: RegistryRecord & { deviceType: string; name: string; status: string; lastSeenAt: string | null; sensorKind: string | null; serialNo: string | null; channelId: string | null; address: string | null };
  iot: {
    reporting: boolean;
    tokenIssuedAt: string | null;
    gatewayId: number | null;
    telemetryRejected: number;
    lastError: string | null;
    lastErrorAt: string | null;
    latest: { ts: string; values: Record<string, number> } | null;
    rules: DeviceRule[];
    /** This device's own thresholds by alarm type (the rules above already have them applied). */
    alarmOverrides: Record<string, RuleOverride>;
    zones: Zone[];
    activeAlarms: number;
  };
}

export interface TelemetrySeries {
  from: string;
  to: string;
  stepSeconds: number | null;
  /** points: [ms, avg, min, max] */
  series: { key: string; points: [number, number, number, number][] }[];
}

export interface Alarm {
  id: number;
  deviceId: number;
  deviceName: string;
  sensorKind: string | null;
  address: string | null;
  alarmType: string;
  name: string;
  severity: Severity;
  status: 'active' | 'cleared';
  acknowledged: boolean;
  count: number;
  startedAt: string;
  lastAt: string;
  ackAt: string | null;
  ackBy: string | null;
  clearedAt: string | null;
  clearedBy: string | null;
  clearReason: string | null;
  details: { key?: string; value?: number; condition?: Condition } & Record<string, unknown>;
  eventId: number | null;
  eventCode: string | null;
  eventState: string | null;
  eventError: string | null;
  divisionCode: string;
}

export interface AlarmFilters {
  status: '' | 'active' | 'cleared';
  severity: '' | Severity;
  acknowledged: '' | 'true' | 'false';
  divisionCode: string;
}

export const devicesApi = {
  list: (query: Partial<DeviceFilters> & { page: number; pageSize: number }) => http.get<Page<DeviceSummary>>('/api/devices', { ...query, alarmed: query.alarmed || undefined }),
  get: (id: number) => http.get<DeviceDetail>(`/api/devices/${id}`),
  telemetry: (id: number, from: string, to: string) => http.get<TelemetrySeries>(`/api/devices/${id}/telemetry`, { from, to }),
  alarms: (id: number, query: { page: number; pageSize: number }) => http.get<Page<Alarm>>(`/api/devices/${id}/alarms`, query),
  issueToken: (id: number) => http.post<{ token: string; issuedAt: string }>(`/api/devices/${id}/token`),
  saveOverrides: (id: number, alarmOverrides: Record<string, RuleOverride>) => http.patch<DeviceDetail>(`/api/devices/${id}/settings`, { alarmOverrides }),
};

export const alarmRulesApi = {
  list: (sensorKind?: string) => http.get<{ items: AlarmRule[] }>('/api/alarm-rules', { sensorKind: sensorKind || undefined }),
  defaults: () => http.get<{ rules: AlarmRuleInput[] }>('/api/alarm-rules/defaults'),
  create: (rule: AlarmRuleInput) => http.post<AlarmRule>('/api/alarm-rules', rule),
  update: (id: number, rule: AlarmRuleInput) => http.put<AlarmRule>(`/api/alarm-rules/${id}`, rule),
  /** Adds or replaces rules by (sensor kind, alarm type), all or nothing. */
  import: (rules: AlarmRuleInput[]) => http.post<{ created: number; updated: number }>('/api/alarm-rules/import', { rules }),
};

export const alarmsApi = {
  list: (query: Partial<AlarmFilters> & { page: number; pageSize: number }) => http.get<Page<Alarm>>('/api/alarms', query),
  summary: () => http.get<{ items: { severity: Severity; count: number; unacknowledged: number }[] }>('/api/alarms/summary'),
  acknowledge: (id: number) => http.post<Alarm>(`/api/alarms/${id}/acknowledge`),
  clear: (id: number, note: string) => http.post<Alarm>(`/api/alarms/${id}/clear`, note ? { note } : {}),
};
