import { http, type Page } from './http';

/** Video AI: a camera's settings, latest frame and zones; its detections; zones are saved through the device API. */
export type ZoneType = 'no_parking' | 'no_stall' | 'no_dumping' | 'no_hanging' | 'no_occupation' | 'watch';
export const zoneTypes: ZoneType[] = ['no_parking', 'no_stall', 'no_occupation', 'no_dumping', 'no_hanging', 'watch'];

export interface Zone {
  id?: number;
  name: string;
  zoneType: ZoneType;
  /** [[x, y], …] in pixels of the frame it was drawn on. */
  polygon: [number, number][];
  imageWidth: number;
  imageHeight: number;
  active: boolean;
}

export interface CameraSettings {
  sourceName: string;
  frigateUrl: string | null;
  detectorEnabled: boolean;
  detectorIntervalSeconds: number;
  detectorSource: string | null;
  /** Behind an NVR: the camera whose push URL the NVR uses (null: its own), and its channel there. */
  pushVia: number | null;
  nvrChannel: number | null;
}

export interface CameraVideo {
  deviceId: number;
  name: string;
  address: string | null;
  aiEnabled: boolean;
  snapshotUrl: string | null;
  settings: (CameraSettings & { pushViaName: string | null; pushTokenIssuedAt: string | null }) | null;
  snapshot: { fileId: number; at: string; width: number | null; height: number | null } | null;
  snapshotError: string | null;
  snapshotErrorAt: string | null;
  zones: Zone[];
}

export interface Detection {
  id: number;
  deviceId: number;
  cameraName: string;
  source: 'frigate' | 'hikvision' | 'dahua' | 'webhook' | 'detector';
  trackKey: string;
  label: string;
  subLabel: string | null;
  vendorCode: string | null;
  score: number | null;
  zones: string[];
  stationary: boolean;
  firstAt: string;
  lastAt: string;
  endedAt: string | null;
  endReason: 'gone' | 'stale' | null;
  updates: number;
  ruleName: string | null;
  categoryCode: string | null;
  categoryName: string | null;
  eventId: number | null;
  eventCode: string | null;
  eventState: string | null;
  eventError: string | null;
  snapshotFileId: number | null;
  snapshotError: string | null;
}

export interface PushToken {
  token: string;
  issuedAt: string;
  hikvisionPath: string;
  dahuaPath: string;
}

/** Which detections become which events (server/src/modules/video/video-rules.ts), tried by priority. */
export interface VideoRuleBody {
  name: string;
  labels: string[];
  vendorCodes: string[];
  zoneType: ZoneType | null;
  withLabels: string[];
  minDwellSeconds: number;
  requireStationary: boolean;
  minScore: number;
  categoryCode: string;
  priority: number;
  active: boolean;
}

export interface VideoRule extends VideoRuleBody {
  id: number;
  categoryName: string | null;
  /** The category has a polite reminder first (the event waits for the party to comply). */
  reminderFirst: boolean;
  graceMinutes: number | null;
  updatedAt: string;
}

export const videoRulesApi = {
  list: () => http.get<{ items: VideoRule[] }>('/api/video/rules'),
  create: (body: VideoRuleBody) => http.post<VideoRule>('/api/video/rules', body),
  update: (id: number, body: VideoRuleBody) => http.put<VideoRule>(`/api/video/rules/${id}`, body),
};

export const videoApi = {
  camera: (id: number) => http.get<CameraVideo>(`/api/video/cameras/${id}`),
  saveSettings: (id: number, body: CameraSettings) => http.put<CameraVideo>(`/api/video/cameras/${id}`, body),
  takeSnapshot: (id: number) => http.post<CameraVideo>(`/api/video/cameras/${id}/snapshot`),
  issuePushToken: (id: number) => http.post<PushToken>(`/api/video/cameras/${id}/push-token`),
  detections: (id: number, query: { page: number; pageSize: number }) => http.get<Page<Detection>>(`/api/video/cameras/${id}/detections`, query),
  /** The device API keeps the zones; it answers with the device, so the page reloads the camera after. */
  saveZones: (id: number, zones: Zone[]) =>
    http.put<unknown>(`/api/devices/${id}/zones`, { zones: zones.map(({ name, zoneType, polygon, imageWidth, imageHeight, active }) => ({ name, zoneType, polygon, imageWidth, imageHeight, active })) }),
};
