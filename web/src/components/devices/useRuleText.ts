import { useI18n } from 'vue-i18n';
import type { AlarmRuleInput, ComparisonOp, Condition } from '../../api/devices';

export const opSymbols: Record<ComparisonOp, string> = { '>': '>', '>=': '≥', '<': '<', '<=': '≤', '==': '=', between: '～' };

/** Alarm rules in words: "≥ 25 %LEL", "持续 60 秒", "< 20 %LEL 时恢复"; units by telemetry key where known. */
export function useRuleText() {
  const { t, te, locale } = useI18n();

  const unitOf = (key: string) => (te(`devices.rules.units.${key}`) ? t(`devices.rules.units.${key}`) : '');
  function conditionText(c: Condition, key: string) {
    const unit = unitOf(key);
    const tail = unit ? ` ${unit}` : '';
    return c.op === 'between' ? `${c.value} ～ ${c.value2 ?? c.value}${tail}` : `${opSymbols[c.op]} ${c.value}${tail}`;
  }
  function modeText(r: Pick<AlarmRuleInput, 'mode' | 'durationSeconds' | 'repeatCount'>) {
    if (r.mode === 'duration') return t('devices.detail.modes.duration', { n: r.durationSeconds ?? 0 });
    if (r.mode === 'repeating') return t('devices.detail.modes.repeating', { n: r.repeatCount ?? 0 });
    return t('devices.detail.modes.simple');
  }
  const clearText = (clear: Condition | null, key: string) => (clear ? t('devices.rules.clearsAt', { condition: conditionText(clear, key) }) : t('devices.detail.clearAuto'));
  const ruleName = (r: Pick<AlarmRuleInput, 'nameZh' | 'nameEn'>) => (locale.value === 'en' ? r.nameEn : r.nameZh);

  return { unitOf, conditionText, modeText, clearText, ruleName };
}

/** The first error at or under a path. */
export function errorUnder(errors: Record<string, string>, path: string): string | undefined {
  return errors[path] ?? Object.entries(errors).find(([field]) => field.startsWith(`${path}/`))?.[1];
}

/** A condition as the API takes it: `value2` only for "between". */
export const withoutValue2 = <T extends Condition>(c: T): T => (c.op === 'between' ? c : ({ ...c, value2: undefined } as T));
