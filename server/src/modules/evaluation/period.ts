import { AppError } from '../../http/errors.ts';

/** The longest period one evaluation covers: a year (年度考核), leap or not. */
export const maxPeriodDays = 366;

export interface Period {
  /** Local (Asia/Shanghai) dates as given, YYYY-MM-DD; `to` is exclusive. */
  from: string;
  to: string;
  /** The instants of local midnight starting `from` and `to`. */
  start: Date;
  end: Date;
}

const midnight = (date: string) => new Date(`${date}T00:00:00+08:00`);

/**
 * The period [from, to) of local dates. Empty (from = to), reversed or longer than a year is a clear
 * error naming the fields; the format itself is checked by the route schema.
 */
type PeriodRefusal = 'EVALUATION_PERIOD_EMPTY' | 'EVALUATION_PERIOD_REVERSED' | 'EVALUATION_PERIOD_TOO_LONG';

const refuse = (code: PeriodRefusal, params: Record<string, string | number>) => new AppError(code, 400, params, [{ field: '/querystring/to', code, params }]);

export function periodOf(from: string, to: string): Period {
  const start = midnight(from);
  const end = midnight(to);
  if (end.getTime() === start.getTime()) throw refuse('EVALUATION_PERIOD_EMPTY', { from, to });
  if (end < start) throw refuse('EVALUATION_PERIOD_REVERSED', { from, to });
  if (end.getTime() - start.getTime() > maxPeriodDays * 86_400_000) throw refuse('EVALUATION_PERIOD_TOO_LONG', { from, to, max: maxPeriodDays });
  return { from, to, start, end };
}
