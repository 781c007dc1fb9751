import crypto from 'node:crypto';
import { TokenBucket } from './token-bucket.ts';
import { effectiveRules, type Overrides, type Rule } from './alarm-rules.ts';
import type { ReportingDeviceRow } from './ingest.repo.ts';

/** A device that reports, as the intake keeps it in memory between flushes. */
export interface ReportingDevice {
  id: number;
  name: string;
  serialNo: string | null;
  sensorKind: string | null;
  tokenHash: string | null;
  gatewayId: number | null;
  intervalSeconds: number | null;
  overrides: Overrides;
  status: 'online' | 'offline';
  /** When a message from it last arrived (server time, ms). */
  lastSeenMs: number | null;
  /** When lastSeenMs was last queued for the database. */
  lastSeenWrittenMs: number;
  /** The newest reading time judged by the rules: older readings (late, buffered) are stored, not judged. */
  lastJudgedTs: number;
  address: string | null;
  lng: number;
  lat: number;
  divisionCode: string;
  rules: Rule[];
  bucket: TokenBucket;
}

/** Access tokens: 20 URL-safe characters (as ThingsBoard's), usable as an MQTT username and in a topic or URL. */
export const tokenPattern = /^[A-Za-z0-9_-]{8,64}$/;
export const newAccessToken = () => crypto.randomBytes(15).toString('base64url');
export const hashAccessToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

export const isGateway = (device: Pick<ReportingDevice, 'sensorKind'>) => device.sensorKind === 'gateway';

/** A fresh entry for a loaded row, or the existing one brought up to date (its bucket and clocks kept). */
export function toReportingDevice(row: ReportingDeviceRow, rulesByKind: Map<string, Rule[]>, existing: ReportingDevice | undefined, bucket: () => TokenBucket): ReportingDevice {
  const overrides = row.alarm_overrides as Overrides;
  const lastSeenMs = row.last_seen_at ? row.last_seen_at.getTime() : null;
  return {
    id: row.id,
    name: row.name,
    serialNo: row.serial_no,
    sensorKind: row.sensor_kind,
    tokenHash: row.token_hash,
    gatewayId: row.gateway_id,
    intervalSeconds: row.report_interval_s,
    overrides,
    status: existing?.status ?? row.status,
    lastSeenMs: Math.max(existing?.lastSeenMs ?? 0, lastSeenMs ?? 0) || null,
    lastSeenWrittenMs: existing?.lastSeenWrittenMs ?? 0,
    lastJudgedTs: existing?.lastJudgedTs ?? lastSeenMs ?? 0,
    address: row.address,
    lng: row.lng,
    lat: row.lat,
    divisionCode: row.division_code,
    rules: effectiveRules(rulesByKind.get(row.sensor_kind ?? '') ?? [], overrides),
    bucket: existing?.bucket ?? bucket(),
  };
}
