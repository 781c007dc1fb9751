/**
 * GB/T 28181 device and channel ids: 20 digits = centre code (8: the 6-digit GB/T 2260 region and a
 * 2-digit grass-roots unit) + industry (2) + type (3) + network flag and serial (7).
 * Types 131 (camera) and 132 (network camera) are the ones a camera record may carry.
 */
export type ChannelIdProblem = 'CHANNEL_ID_FORMAT' | 'CHANNEL_ID_TYPE';
export interface ChannelId {
  value: string;
  centreCode: string;
  industryCode: string;
  typeCode: string;
  serial: string;
}

export const cameraTypeCodes = ['131', '132'] as const;

export function parseChannelId(raw: string): { ok: true; id: ChannelId } | { ok: false; code: ChannelIdProblem } {
  const value = raw.replace(/\s+/g, '');
  // The region must name a province (first two digits 11–82); the type must be a defined range (111–599).
  if (!/^\d{20}$/.test(value) || Number(value.slice(0, 2)) < 11 || Number(value.slice(0, 2)) > 82) return { ok: false, code: 'CHANNEL_ID_FORMAT' };
  const typeCode = value.slice(10, 13);
  if (Number(typeCode) < 111 || Number(typeCode) > 599) return { ok: false, code: 'CHANNEL_ID_FORMAT' };
  return { ok: true, id: { value, centreCode: value.slice(0, 8), industryCode: value.slice(8, 10), typeCode, serial: value.slice(13) } };
}

/** A camera's channel: well formed and of a camera type. */
export function parseCameraChannelId(raw: string): { ok: true; id: ChannelId } | { ok: false; code: ChannelIdProblem } {
  const parsed = parseChannelId(raw);
  if (parsed.ok && !(cameraTypeCodes as readonly string[]).includes(parsed.id.typeCode)) return { ok: false, code: 'CHANNEL_ID_TYPE' };
  return parsed;
}
