import type { FieldError } from '../../http/errors.ts';
import type { LimitUnit } from '../events/work-calendar.ts';

/**
 * The supervision ladder's numbers, a setting (`supervision_rules`, migration 0021) the county
 * admin edits beside the phase limits: when the yellow light (and with it the automatic 催办)
 * starts, how long a unit has for its written reply to an automatic 督办, and the reply time first
 * offered for a 挂牌督办 (the leader may still pick another day).
 */
export interface ReplyLimit {
  value: number;
  unit: LimitUnit;
}

export interface SupervisionRules {
  /** Percentage of a phase limit used from which the light is yellow and the 催办 goes out. */
  remindAtPercent: number;
  superviseReplyLimit: ReplyLimit;
  listedReplyLimit: ReplyLimit;
}

const dayUnits: readonly LimitUnit[] = ['work_day', 'natural_day'];
/** The longest reply limit per unit: about two months either way. */
const maxPerUnit: Record<LimitUnit, number> = { urgent_hour: 720, work_hour: 320, work_day: 40, natural_day: 60 };

/** What is wrong with the reply limits an admin wrote (the route schema has checked types and ranges). */
export function supervisionRulesErrors(rules: SupervisionRules, at: string): FieldError[] {
  const errors: FieldError[] = [];
  for (const name of ['superviseReplyLimit', 'listedReplyLimit'] as const) {
    const { value, unit } = rules[name];
    const field = `${at}/${name}/value`;
    if (dayUnits.includes(unit) && !Number.isInteger(value)) errors.push({ field, code: 'SUPERVISION_LIMIT_WHOLE_DAYS' });
    else if (value > maxPerUnit[unit]) errors.push({ field, code: 'SUPERVISION_LIMIT_TOO_LONG', params: { max: maxPerUnit[unit] } });
  }
  return errors;
}
