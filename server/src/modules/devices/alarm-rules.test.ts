import { describe, expect, it } from 'vitest';
import { checkThresholds, effectiveRules, step, type Pending, type Rule } from './alarm-rules.ts';
import { decodeJson, parseGatewayReadings, parseReadings } from './telemetry-payload.ts';
import { TokenBucket } from './token-bucket.ts';
import { checkZones } from './zones.ts';

const gas: Rule = {
  id: 1,
  sensorKind: 'combustible_gas',
  alarmType: 'gas_high',
  nameZh: '可燃气体浓度超限',
  nameEn: 'Gas high',
  key: 'gas_lel',
  levels: [
    { severity: 'critical', op: '>=', value: 50 },
    { severity: 'major', op: '>=', value: 25 },
  ],
  mode: 'simple',
  durationSeconds: null,
  repeatCount: null,
  clear: { op: '<', value: 20 },
  eventCategory: 'E0451',
  eventMinSeverity: 'major',
  active: true,
};

/** Feeds readings through `step` as the intake does, returning the actions. */
function run(rule: Rule, readings: [ts: number, x: number][]) {
  let pending: Pending | null = null;
  let active: Rule['levels'][number]['severity'] | null = null;
  return readings.map(([ts, x]) => {
    const result = step(rule, x, ts, pending, active);
    if (result.action === 'none') pending = result.pending;
    else pending = null;
    if (result.action === 'open' || result.action === 'extend') active = result.severity;
    if (result.action === 'clear') active = null;
    return result.action === 'open' || result.action === 'extend' ? `${result.action}:${result.severity}` : result.action;
  });
}

describe('alarm rule steps', () => {
  it('opens at the most severe level that holds, extends, escalates and clears only past the hysteresis gap', () => {
    expect(run(gas, [[1, 10], [2, 30], [3, 55], [4, 22], [5, 19], [6, 26]])).toEqual(['none', 'open:major', 'extend:critical', 'none', 'clear', 'open:major']);
  });

  it('ThingsBoard docs example: one alarm from 12:30 to 13:00, cleared at 13:30', () => {
    const temp: Rule = { ...gas, levels: [{ severity: 'major', op: '>', value: 20 }], clear: null };
    expect(run(temp, [[0, 18], [30, 22], [60, 25], [90, 18]])).toEqual(['none', 'open:major', 'extend:major', 'clear']);
  });

  it('repeating: N readings in a row; a normal reading in between starts over', () => {
    const tilt: Rule = { ...gas, levels: [{ severity: 'major', op: '>=', value: 15 }], mode: 'repeating', repeatCount: 3, clear: { op: '<', value: 5 } };
    expect(run(tilt, [[1, 20], [2, 20], [3, 1], [4, 20], [5, 20], [6, 20]])).toEqual(['none', 'none', 'none', 'none', 'none', 'open:major']);
  });

  it('duration: the condition must hold from the first matching reading until one at least the duration later', () => {
    const water: Rule = { ...gas, levels: [{ severity: 'major', op: '>', value: 10 }], mode: 'duration', durationSeconds: 60, clear: { op: '<', value: 3 } };
    expect(run(water, [[0, 12], [30_000, 14], [50_000, 2], [60_000, 12], [100_000, 13], [120_000, 15]])).toEqual(['none', 'none', 'none', 'none', 'none', 'open:major']);
  });

  it('applies per-device overrides and leaves disabled rules out', () => {
    const own = effectiveRules([gas], { gas_high: { levels: [{ severity: 'major', op: '>=', value: 10 }], clear: { op: '<', value: 5 } } });
    expect(run(own[0]!, [[1, 12], [2, 6], [3, 4]])).toEqual(['open:major', 'none', 'clear']);
    expect(effectiveRules([gas], { gas_high: { enabled: false } })).toEqual([]);
    expect(effectiveRules([{ ...gas, active: false }], {})).toEqual([]);
  });
});

describe('threshold checks', () => {
  it('refuses a clear condition without a gap, duplicate severities and reversed ranges', () => {
    expect(checkThresholds(gas.levels, { op: '<', value: 30 }).map((i) => i.code)).toEqual(['ALARM_CLEAR_OVERLAP']);
    expect(checkThresholds(gas.levels, { op: '<', value: 25 })).toEqual([]);
    expect(checkThresholds([{ severity: 'major', op: '>', value: 1 }, { severity: 'major', op: '>', value: 2 }], null).map((i) => i.code)).toEqual(['ALARM_LEVEL_DUPLICATE']);
    expect(checkThresholds([{ severity: 'minor', op: 'between', value: 5, value2: 3 }], null).map((i) => i.field)).toEqual(['/levels/0/value2']);
    expect(checkThresholds([{ severity: 'major', op: '==', value: 1 }], { op: '==', value: 0 })).toEqual([]);
  });
});

describe('telemetry payloads', () => {
  const now = Date.UTC(2026, 5, 1);
  const limits = { maxFutureMs: 300_000, maxPastMs: 7 * 86_400_000 };

  it('reads the ThingsBoard forms', () => {
    expect(parseReadings({ gas_lel: 12.5, alarm: true, level: '3.5' }, now, limits)).toEqual({ ok: true, value: [{ ts: now, values: { gas_lel: 12.5, alarm: 1, level: 3.5 } }] });
    expect(parseReadings({ ts: now - 1000, values: { gas_lel: 1 } }, now, limits)).toEqual({ ok: true, value: [{ ts: now - 1000, values: { gas_lel: 1 } }] });
    expect(parseReadings([{ ts: now - 2000, values: { a: 1 } }, { b: 2 }], now, limits)).toMatchObject({ ok: true, value: [{ ts: now - 2000 }, { ts: now }] });
    expect(parseGatewayReadings({ 'GL-1': [{ ts: now, values: { a: 1 } }], 'GL-2': { b: 2 } }, now, limits)).toMatchObject({ ok: true });
  });

  it('refuses the whole message for any bad part, naming it', () => {
    const code = (body: unknown) => {
      const parsed = parseReadings(body, now, limits);
      return parsed.ok ? 'ok' : parsed.rejection.code;
    };
    expect(decodeJson('{"gas_lel": 1')).toMatchObject({ ok: false, rejection: { code: 'TELEMETRY_MALFORMED_JSON' } });
    expect(decodeJson('{"gas_lel": NaN}')).toMatchObject({ ok: false, rejection: { code: 'TELEMETRY_MALFORMED_JSON' } });
    expect(code({ gas_lel: 'NaN' })).toBe('TELEMETRY_VALUE');
    expect(code({ gas_lel: 1e300 })).toBe('TELEMETRY_VALUE');
    expect(code({ gas_lel: 'high' })).toBe('TELEMETRY_VALUE');
    expect(code({ gas_lel: { nested: 1 } })).toBe('TELEMETRY_VALUE');
    expect(code([{ a: 1 }, { b: 'x' }])).toBe('TELEMETRY_VALUE');
    expect(code({ 'bad key': 1 })).toBe('TELEMETRY_KEY');
    expect(code({ ts: now + 600_000, values: { a: 1 } })).toBe('TELEMETRY_TS_FUTURE');
    expect(code({ ts: now - 8 * 86_400_000, values: { a: 1 } })).toBe('TELEMETRY_TS_PAST');
    expect(code({ ts: Math.floor(now / 1000), values: { a: 1 } })).toBe('TELEMETRY_TS_PAST');
    expect(code({ ts: now, values: {} })).toBe('TELEMETRY_SHAPE');
    expect(code({ ts: now })).toBe('TELEMETRY_SHAPE');
    expect(code([])).toBe('TELEMETRY_SHAPE');
    expect(code(42)).toBe('TELEMETRY_SHAPE');
    expect(decodeJson('x'.repeat(70_000))).toMatchObject({ ok: false, rejection: { code: 'TELEMETRY_TOO_LARGE' } });
  });
});

describe('token bucket', () => {
  it('lets a burst through, then the rate', () => {
    const bucket = new TokenBucket(10, 5, 0);
    expect(Array.from({ length: 7 }, () => bucket.take(0)).filter(Boolean)).toHaveLength(5);
    expect(bucket.take(50)).toBe(false);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.take(100)).toBe(false);
  });
});

describe('camera zones', () => {
  it('accepts simple polygons inside the image and refuses crossing, outside or duplicate ones', () => {
    const zone = (polygon: number[][], name = 'a') => ({ name, polygon, imageWidth: 1920, imageHeight: 1080 });
    expect(checkZones([zone([[10, 10], [500, 10], [500, 400], [10, 400]])])).toEqual([]);
    expect(checkZones([zone([[10, 10], [500, 400], [500, 10], [10, 400]])]).map((i) => i.code)).toEqual(['ZONE_POLYGON']);
    expect(checkZones([zone([[10, 10], [2500, 10], [500, 400]])]).map((i) => i.code)).toEqual(['ZONE_POLYGON']);
    expect(checkZones([zone([[0, 0], [10, 0], [20, 0]])]).map((i) => i.code)).toEqual(['ZONE_POLYGON']);
    expect(checkZones([zone([[0, 0], [10, 0], [10, 10]]), zone([[0, 0], [10, 0], [10, 10]])]).map((i) => i.code)).toEqual(['duplicateRow']);
  });
});
