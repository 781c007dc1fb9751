import { Type, type Static } from 'typebox';
import type { Insertable, Selectable } from 'kysely';
import { StringEnum } from '../../http/pagination.ts';
import { severities, type AlarmRuleTable } from './devices.tables.ts';
import { checkThresholds, type RuleIssue } from './alarm-rules.ts';
import { ruleOf } from './ingest.repo.ts';

/** The API form of alarm rules and per-device overrides, and how they map to columns. */
export const SeverityEnum = StringEnum(severities);
const finite = Type.Number({ minimum: -1e12, maximum: 1e12 });
export const Condition = Type.Object(
  { op: StringEnum(['>', '>=', '<', '<=', '==', 'between'] as const), value: finite, value2: Type.Optional(finite) },
  { additionalProperties: false },
);
export const Level = Type.Object(
  { severity: SeverityEnum, op: StringEnum(['>', '>=', '<', '<=', '==', 'between'] as const), value: finite, value2: Type.Optional(finite) },
  { additionalProperties: false },
);

export const RuleInput = Type.Object(
  {
    sensorKind: Type.String({ minLength: 1, maxLength: 64 }),
    alarmType: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' }),
    nameZh: Type.String({ minLength: 1, maxLength: 60 }),
    nameEn: Type.String({ minLength: 1, maxLength: 80 }),
    key: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]{0,63}$' }),
    levels: Type.Array(Level, { minItems: 1, maxItems: 4 }),
    mode: StringEnum(['simple', 'duration', 'repeating'] as const),
    durationSeconds: Type.Optional(Type.Union([Type.Integer({ minimum: 1, maximum: 86_400 }), Type.Null()])),
    repeatCount: Type.Optional(Type.Union([Type.Integer({ minimum: 2, maximum: 100 }), Type.Null()])),
    clear: Type.Union([Condition, Type.Null()]),
    eventCategory: Type.Union([Type.String({ pattern: '^[CE][0-9]{4}$' }), Type.Null()]),
    eventMinSeverity: Type.Union([SeverityEnum, Type.Null()]),
    active: Type.Optional(Type.Boolean()),
    sourceNote: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
export type RuleInput = Static<typeof RuleInput>;

export const RuleView = Type.Object({ id: Type.Integer(), ...RuleInput.properties, active: Type.Boolean(), sourceNote: Type.String(), updatedAt: Type.String() });

export const RuleOverride = Type.Object(
  { levels: Type.Optional(Type.Array(Level, { minItems: 1, maxItems: 4 })), clear: Type.Optional(Type.Union([Condition, Type.Null()])), enabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const Overrides = Type.Record(Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' }), RuleOverride);
export type OverridesInput = Static<typeof Overrides>;

/** What the schema cannot say: one level per severity, a clear condition that leaves a gap, the mode's parameter. */
export function checkRule(rule: RuleInput, prefix = ''): RuleIssue[] {
  const issues = checkThresholds(rule.levels, rule.clear, prefix);
  if (rule.mode === 'duration' && !rule.durationSeconds) issues.push({ field: `${prefix}/durationSeconds`, code: 'required' });
  if (rule.mode === 'repeating' && !rule.repeatCount) issues.push({ field: `${prefix}/repeatCount`, code: 'required' });
  if ((rule.eventCategory === null) !== (rule.eventMinSeverity === null)) issues.push({ field: `${prefix}/eventMinSeverity`, code: 'required' });
  return issues;
}

export function ruleColumns(rule: RuleInput): Insertable<AlarmRuleTable> {
  return {
    sensor_kind: rule.sensorKind,
    alarm_type: rule.alarmType,
    name_zh: rule.nameZh,
    name_en: rule.nameEn,
    telemetry_key: rule.key,
    levels: JSON.stringify(rule.levels),
    mode: rule.mode,
    duration_s: rule.mode === 'duration' ? (rule.durationSeconds ?? null) : null,
    repeat_count: rule.mode === 'repeating' ? (rule.repeatCount ?? null) : null,
    clear_condition: rule.clear ? JSON.stringify(rule.clear) : null,
    event_category: rule.eventCategory,
    event_min_severity: rule.eventMinSeverity,
    active: rule.active ?? true,
    source_note: rule.sourceNote ?? '',
  };
}

export function presentRule(row: Selectable<AlarmRuleTable>) {
  return { ...ruleOf(row), sourceNote: row.source_note, updatedAt: row.updated_at.toISOString() };
}
