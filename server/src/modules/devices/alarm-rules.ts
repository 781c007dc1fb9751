import { severities, type Condition, type Level, type RuleMode, type Severity } from './devices.tables.ts';

/**
 * Alarm rules (ThingsBoard device-profile rules, reference §2.1) and how a reading moves an alarm
 * (pure). A rule watches one telemetry key of one sensor kind:
 *
 * - levels: one condition per severity, checked from the most severe down; the first that holds wins;
 * - mode: `simple` (one reading), `duration` (the condition holds from the first matching reading
 *   until one at least `durationMs` later, as ThingsBoard DURATION: readings decide, not a timer),
 *   `repeating` (N readings in a row);
 * - clear: the condition that ends an active alarm. Left out, the alarm clears as soon as no level
 *   holds; given, readings between it and the lowest level keep the alarm as it is (hysteresis).
 */
export interface Rule {
  id: number;
  sensorKind: string;
  alarmType: string;
  nameZh: string;
  nameEn: string;
  key: string;
  levels: Level[];
  mode: RuleMode;
  durationSeconds: number | null;
  repeatCount: number | null;
  clear: Condition | null;
  /** The event category an alarm opens, from `eventMinSeverity` up; null: alarms only. */
  eventCategory: string | null;
  eventMinSeverity: Severity | null;
  active: boolean;
}

/** A device's own thresholds for one alarm type of its kind (ThingsBoard: thresholds from device attributes). */
export interface RuleOverride {
  levels?: Level[];
  clear?: Condition | null;
  enabled?: boolean;
}
export type Overrides = Record<string, RuleOverride>;

export const rank = (severity: Severity) => severities.indexOf(severity);
/** a is at least as severe as b. */
export const atLeast = (a: Severity, b: Severity) => rank(a) <= rank(b);

export function holds(condition: Condition, x: number): boolean {
  switch (condition.op) {
    case '>':
      return x > condition.value;
    case '>=':
      return x >= condition.value;
    case '<':
      return x < condition.value;
    case '<=':
      return x <= condition.value;
    case '==':
      return x === condition.value;
    case 'between':
      return x >= condition.value && x <= (condition.value2 ?? condition.value);
  }
}

/** The most severe level that holds for x. */
export function levelOf(levels: readonly Level[], x: number): Severity | null {
  for (const severity of severities) {
    const level = levels.find((l) => l.severity === severity);
    if (level && holds(level, x)) return severity;
  }
  return null;
}

/** The rules of a device: its kind's active rules with its own overrides applied; disabled ones left out. */
export function effectiveRules(kindRules: readonly Rule[], overrides: Overrides): Rule[] {
  const rules: Rule[] = [];
  for (const rule of kindRules) {
    const own = overrides[rule.alarmType];
    if (!rule.active || own?.enabled === false) continue;
    rules.push(own ? { ...rule, levels: own.levels ?? rule.levels, clear: own.clear === undefined ? rule.clear : own.clear } : rule);
  }
  return rules;
}

/** Matching readings seen so far towards a duration or repeating alarm. */
export interface Pending {
  matches: number;
  /** Time of the first of them (ms). */
  since: number;
}

export type Step =
  | { action: 'none'; pending: Pending | null }
  | { action: 'open'; severity: Severity }
  | { action: 'extend'; severity: Severity }
  | { action: 'clear' };

/**
 * What one reading x at time ts does, given the pending count and whether an alarm of the rule is
 * active (and at which severity).
 */
export function step(rule: Rule, x: number, ts: number, pending: Pending | null, active: Severity | null): Step {
  const level = levelOf(rule.levels, x);
  if (active !== null) {
    if (level !== null) return { action: 'extend', severity: level };
    const cleared = rule.clear ? holds(rule.clear, x) : true;
    return cleared ? { action: 'clear' } : { action: 'none', pending: null };
  }
  if (level === null) return { action: 'none', pending: null };
  const seen: Pending = { matches: (pending?.matches ?? 0) + 1, since: pending?.since ?? ts };
  const due =
    rule.mode === 'simple' ||
    (rule.mode === 'repeating' && seen.matches >= (rule.repeatCount ?? 1)) ||
    (rule.mode === 'duration' && ts - seen.since >= (rule.durationSeconds ?? 0) * 1000);
  return due ? { action: 'open', severity: level } : { action: 'none', pending: seen };
}

/** Whether an alarm at `severity` should have an event, by its rule. */
export const wantsEvent = (rule: Pick<Rule, 'eventCategory' | 'eventMinSeverity'>, severity: Severity) =>
  rule.eventCategory !== null && rule.eventMinSeverity !== null && atLeast(severity, rule.eventMinSeverity);

export interface RuleIssue {
  field: string;
  code: string;
  params?: Record<string, string | number>;
}

/** The parts of a rule a device may override, and the whole rule, checked the same way. */
export function checkThresholds(levels: readonly Level[], clear: Condition | null, prefix = ''): RuleIssue[] {
  const issues: RuleIssue[] = [];
  if (levels.length === 0) issues.push({ field: `${prefix}/levels`, code: 'minItems', params: { limit: 1 } });
  const seen = new Set<Severity>();
  levels.forEach((level, i) => {
    if (seen.has(level.severity)) issues.push({ field: `${prefix}/levels/${i}/severity`, code: 'ALARM_LEVEL_DUPLICATE', params: { severity: level.severity } });
    seen.add(level.severity);
    issues.push(...checkCondition(level, `${prefix}/levels/${i}`));
  });
  if (clear) {
    issues.push(...checkCondition(clear, `${prefix}/clear`));
    const overlap = overlapPoint(levels, clear);
    if (overlap !== undefined) issues.push({ field: `${prefix}/clear`, code: 'ALARM_CLEAR_OVERLAP', params: { value: overlap } });
  }
  return issues;
}

function checkCondition(condition: Condition, field: string): RuleIssue[] {
  if (condition.op !== 'between') return [];
  if (condition.value2 === undefined || !(condition.value2 > condition.value)) return [{ field: `${field}/value2`, code: 'ALARM_BETWEEN_ORDER' }];
  return [];
}

/**
 * A value that both raises an alarm and clears it, if there is one. The conditions are intervals whose
 * ends are the thresholds, so checking the thresholds, the points between them and beyond them is enough.
 */
function overlapPoint(levels: readonly Level[], clear: Condition): number | undefined {
  const ends = [...new Set([...levels, clear].flatMap((c) => (c.value2 === undefined ? [c.value] : [c.value, c.value2])))].sort((a, b) => a - b);
  const probes = [ends[0]! - 1, ...ends, ...ends.slice(1).map((e, i) => (e + ends[i]!) / 2), ends[ends.length - 1]! + 1];
  return probes.find((x) => holds(clear, x) && levelOf(levels, x) !== null);
}
