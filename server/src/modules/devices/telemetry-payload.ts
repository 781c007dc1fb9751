/**
 * Telemetry payloads in the ThingsBoard forms, checked before anything is stored (pure):
 *
 *   {"gas_lel": 12.5, "battery": 87}                      readings at the server's time
 *   {"ts": 1767225600000, "values": {"gas_lel": 12.5}}    readings at the device's time (ms epoch)
 *   [ …either of the above… ]                             several at once
 *   gateway: {"GL-IOT-00001": [{"ts": …, "values": {…}}], "GL-IOT-00002": {…}}   by sub-device serial
 *
 * Values are numbers; booleans count as 1/0 and decimal strings ("12.5") as numbers. A message with
 * one bad part is refused whole, so a device never has half a message stored.
 */
export interface Reading {
  ts: number;
  values: Record<string, number>;
}

export type TelemetryProblem =
  | 'TELEMETRY_TOO_LARGE'
  | 'TELEMETRY_MALFORMED_JSON'
  | 'TELEMETRY_SHAPE'
  | 'TELEMETRY_KEY'
  | 'TELEMETRY_VALUE'
  | 'TELEMETRY_TS_FUTURE'
  | 'TELEMETRY_TS_PAST';

export interface Rejection {
  code: TelemetryProblem;
  /** What was wrong, for the device's "last error" (a key, a value, a position). */
  detail: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; rejection: Rejection };

export interface TelemetryLimits {
  /** How far ahead of the server's clock a device's timestamp may be. */
  maxFutureMs: number;
  /** How old a buffered reading may be. */
  maxPastMs: number;
}

/** ThingsBoard's default maxPayloadSize. */
export const maxPayloadBytes = 65_536;
const maxRecords = 500;
const maxKeys = 64;
/** Larger magnitudes are corrupt readings, not measurements (and would overflow charts). */
export const maxAbsValue = 1e12;
const keyPattern = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const decimal = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

const reject = (code: TelemetryProblem, detail: string): { ok: false; rejection: Rejection } => ({ ok: false, rejection: { code, detail } });
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Bytes → JSON, refusing oversized and malformed payloads. */
export function decodeJson(payload: Buffer | string): Parsed<unknown> {
  const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
  if (size > maxPayloadBytes) return reject('TELEMETRY_TOO_LARGE', `${size} bytes > ${maxPayloadBytes}`);
  try {
    return { ok: true, value: JSON.parse(payload.toString()) };
  } catch (error) {
    return reject('TELEMETRY_MALFORMED_JSON', (error as Error).message.slice(0, 120));
  }
}

/** A device's own telemetry (decoded JSON) → readings, or why the whole message is refused. */
export function parseReadings(body: unknown, now: number, limits: TelemetryLimits): Parsed<Reading[]> {
  const items = Array.isArray(body) ? body : [body];
  if (items.length === 0) return reject('TELEMETRY_SHAPE', 'empty array');
  if (items.length > maxRecords) return reject('TELEMETRY_TOO_LARGE', `${items.length} records > ${maxRecords}`);
  const readings: Reading[] = [];
  for (const [i, item] of items.entries()) {
    const where = Array.isArray(body) ? `[${i}]` : '';
    const reading = parseRecord(item, now, limits, where);
    if (!reading.ok) return reading;
    readings.push(reading.value);
  }
  return { ok: true, value: readings };
}

/** Gateway telemetry → readings per sub-device serial number. */
export function parseGatewayReadings(body: unknown, now: number, limits: TelemetryLimits): Parsed<Map<string, Reading[]>> {
  if (!isObject(body) || Object.keys(body).length === 0) return reject('TELEMETRY_SHAPE', 'expected {"<device serial>": [{"ts": …, "values": {…}}]}');
  const byDevice = new Map<string, Reading[]>();
  for (const [serial, records] of Object.entries(body)) {
    const parsed = parseReadings(records, now, limits);
    if (!parsed.ok) return reject(parsed.rejection.code, `${serial}: ${parsed.rejection.detail}`);
    byDevice.set(serial, parsed.value);
  }
  return { ok: true, value: byDevice };
}

function parseRecord(item: unknown, now: number, limits: TelemetryLimits, where: string): Parsed<Reading> {
  if (!isObject(item)) return reject('TELEMETRY_SHAPE', `${where || 'payload'} is not an object`);
  if ('ts' in item || 'values' in item) {
    const keys = Object.keys(item);
    if (!('ts' in item && 'values' in item) || keys.length !== 2 || !isObject(item.values)) return reject('TELEMETRY_SHAPE', `${where}expected {"ts": <ms>, "values": {…}}`);
    const ts = item.ts;
    if (typeof ts !== 'number' || !Number.isInteger(ts)) return reject('TELEMETRY_SHAPE', `${where}ts must be milliseconds since 1970`);
    if (ts > now + limits.maxFutureMs) return reject('TELEMETRY_TS_FUTURE', `${where}ts ${new Date(Math.min(ts, 8.64e15)).toISOString()}`);
    if (ts < now - limits.maxPastMs) return reject('TELEMETRY_TS_PAST', `${where}ts ${new Date(Math.max(ts, -8.64e15)).toISOString()}`);
    const values = parseValues(item.values, where);
    return values.ok ? { ok: true, value: { ts, values: values.value } } : values;
  }
  const values = parseValues(item, where);
  return values.ok ? { ok: true, value: { ts: now, values: values.value } } : values;
}

function parseValues(raw: Record<string, unknown>, where: string): Parsed<Record<string, number>> {
  const entries = Object.entries(raw);
  if (entries.length === 0) return reject('TELEMETRY_SHAPE', `${where}no values`);
  if (entries.length > maxKeys) return reject('TELEMETRY_TOO_LARGE', `${where}${entries.length} keys > ${maxKeys}`);
  const values: Record<string, number> = {};
  for (const [key, value] of entries) {
    if (!keyPattern.test(key)) return reject('TELEMETRY_KEY', `${where}${key.slice(0, 64)}`);
    const number = toNumber(value);
    if (number === undefined) return reject('TELEMETRY_VALUE', `${where}${key} = ${JSON.stringify(value)?.slice(0, 40)}`);
    values[key] = number;
  }
  return { ok: true, value: values };
}

function toNumber(value: unknown): number | undefined {
  let number: number;
  if (typeof value === 'number') number = value;
  else if (typeof value === 'boolean') number = value ? 1 : 0;
  else if (typeof value === 'string' && decimal.test(value.trim())) number = Number(value);
  else return undefined;
  return Number.isFinite(number) && Math.abs(number) <= maxAbsValue ? number : undefined;
}
