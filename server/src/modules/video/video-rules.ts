import type { ZoneType } from '../devices/devices.tables.ts';

/**
 * Video rules as data (table video_rule): which detections become which events. Pure: the intake
 * passes what it knows of a tracked object, and the first rule (by priority) that holds decides.
 */
export interface VideoRule {
  id: number;
  name: string;
  /** Object labels (COCO names such as car, person); empty for a rule on vendor alarm codes only. */
  labels: string[];
  /** Vendor alarm codes (Dahua 893, ParkingDetection, Hikvision eventType). */
  vendorCodes: string[];
  zoneType: ZoneType | null;
  /** Another object with one of these labels must be in the same zone (a table with a person at it). */
  withLabels: string[];
  minDwellS: number;
  requireStationary: boolean;
  minScore: number;
  categoryCode: string;
  priority: number;
}

/** A zone the object is in, and since when (source clock, ms). */
export interface ZonePresence {
  name: string;
  type: ZoneType;
  since: number;
}

export interface TrackFacts {
  label: string;
  vendorCode: string | null;
  /** Best score seen; null for vendor alarms, which carry none. */
  score: number | null;
  stationary: boolean;
  /** When the source first saw the object, and its clock now (ms). */
  firstAt: number;
  now: number;
  zones: readonly ZonePresence[];
}

/** Labels of the other objects in a zone of the same camera now. */
export type Companions = (zoneName: string) => readonly string[];

export interface RuleMatch {
  rule: VideoRule;
  zone: ZonePresence | null;
}

export const byPriority = (a: VideoRule, b: VideoRule) => a.priority - b.priority || a.id - b.id;

export function matchRule(rules: readonly VideoRule[], track: TrackFacts, companions: Companions): RuleMatch | null {
  for (const rule of rules) {
    const match = holds(rule, track, companions);
    if (match) return match;
  }
  return null;
}

function holds(rule: VideoRule, track: TrackFacts, companions: Companions): RuleMatch | null {
  const byCode = track.vendorCode !== null && rule.vendorCodes.includes(track.vendorCode);
  const byLabel = rule.labels.includes(track.label);
  if (!byCode && !byLabel) return null;
  if (track.score !== null && track.score < rule.minScore) return null;
  if (rule.requireStationary && !track.stationary) return null;
  if (rule.zoneType === null) return track.now - track.firstAt >= rule.minDwellS * 1000 ? { rule, zone: null } : null;
  for (const zone of track.zones) {
    if (zone.type !== rule.zoneType || track.now - zone.since < rule.minDwellS * 1000) continue;
    if (rule.withLabels.length && !companions(zone.name).some((label) => rule.withLabels.includes(label))) continue;
    return { rule, zone };
  }
  return null;
}
