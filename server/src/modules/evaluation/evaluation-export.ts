import type { Locale } from '../../i18n/messages.ts';
import { buildXlsx, type XlsxColumn } from '../../lib/xlsx-export.ts';
import { indicator } from './indicators.ts';
import type { EvaluationRow, evaluate } from './evaluation.service.ts';

type Table = Awaited<ReturnType<typeof evaluate>>;
type Line = Pick<EvaluationRow, 'name' | 'note' | 'values'>;

const words = {
  'zh-CN': { sheet: '综合评价', name: { area: '区域', organization: '处置单位', post: '人员' }, total: '合计', own_level: '（本级）', not_dispatched: '未派遣', percent: '（%）', file: '综合评价' },
  en: { sheet: 'Evaluation', name: { area: 'Area', organization: 'Unit', post: 'Person' }, total: 'Total', own_level: ' (own level)', not_dispatched: 'Not dispatched', percent: ' (%)', file: 'evaluation' },
};

/** The evaluation table as a workbook: one line per row and the total; rates in percent, hours to one decimal. */
export async function evaluationXlsx(table: Table, locale: Locale) {
  const w = words[locale];
  const lang = locale === 'en' ? 'en' : 'zh';
  const columns: XlsxColumn<Line>[] = [
    { header: w.name[table.object], width: 28, value: (r) => (r.note === 'own_level' ? `${r.name}${w.own_level}` : r.note === 'not_dispatched' ? w.not_dispatched : r.name) },
    ...table.columns.map((code): XlsxColumn<Line> => {
      const definition = indicator(code)!;
      const header = definition.kind === 'rate' ? `${definition.name[lang]}${w.percent}` : definition.kind === 'average' ? `${definition.name[lang]} (${definition.unit[lang]})` : definition.name[lang];
      const value = (r: Line) => {
        const v = r.values[code as keyof Line['values']];
        return v === null || v === undefined || definition.kind !== 'rate' ? v : Math.round(v * 10000) / 100;
      };
      return { header, width: Math.max(12, header.length + 4), value };
    }),
  ];
  const lines: Line[] = [...table.rows, { name: w.total, note: null, values: table.total }];
  const body = await buildXlsx(`${w.sheet} ${table.period.from}`, columns, lines);
  const name = `${w.file}-${table.division.name}-${table.period.from}_${table.period.to}.xlsx`;
  return { name, body };
}
