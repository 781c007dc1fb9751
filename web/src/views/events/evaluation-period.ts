import { formatDate } from '../../utils/format';

/** A period of local (Asia/Shanghai) dates, `to` exclusive, as the evaluation API takes it. */
export interface Period {
  from: string;
  to: string;
}

export const presets = ['thisMonth', 'lastMonth', 'thisQuarter'] as const;
export type Preset = (typeof presets)[number];

/** The first day of a month as YYYY-MM-DD; months past 11 or below 0 roll into the next or previous year. */
const firstOf = (year: number, month: number) => new Date(Date.UTC(year, month, 1)).toISOString().slice(0, 10);

export function presetPeriod(preset: Preset, now = new Date()): Period {
  const [year, month] = formatDate(now).split('-').map(Number) as [number, number];
  const m = month - 1;
  switch (preset) {
    case 'thisMonth':
      return { from: firstOf(year, m), to: firstOf(year, m + 1) };
    case 'lastMonth':
      return { from: firstOf(year, m - 1), to: firstOf(year, m) };
    case 'thisQuarter': {
      const start = m - (m % 3);
      return { from: firstOf(year, start), to: firstOf(year, start + 3) };
    }
  }
}

/** The day after a date: a date picker's last day is inclusive, the API's `to` is not. */
export function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

export function previousDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

export function presetOf(period: Period): Preset | null {
  return presets.find((p) => {
    const candidate = presetPeriod(p);
    return candidate.from === period.from && candidate.to === period.to;
  }) ?? null;
}
