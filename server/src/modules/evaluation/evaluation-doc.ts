import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { counts, formulaText, indicators, type IndicatorDefinition } from './indicators.ts';

/**
 * The indicator definitions as the API serves them and as docs/evaluation.md states them: both are
 * generated from indicators.ts. Run `npx tsx server/src/modules/evaluation/evaluation-doc.ts` after
 * changing a definition; a test fails while the document is out of date.
 */

export function indicatorList() {
  return indicators.map((i) => ({
    code: i.code,
    kind: i.kind,
    name: i.name,
    formula: { zh: formulaText(i, 'zh'), en: formulaText(i, 'en') },
    source: i.source,
    note: i.kind === 'count' ? null : (i.note ?? null),
    basis: i.kind === 'count' ? i.basis : null,
    numerator: i.kind === 'rate' ? i.numerator : [],
    denominator: i.kind === 'rate' ? i.denominator : null,
    over: i.kind === 'average' ? i.over : null,
    unit: i.kind === 'average' ? i.unit : null,
  }));
}

const basisText = { event: '事件（按上报时间）/ events (by report time)', callback: '回访（按回访时间）/ callbacks (by callback time)' };

function section(i: IndicatorDefinition): string {
  const lines = [`#### ${i.name.zh} · ${i.name.en} (\`${i.code}\`)`, ''];
  if (i.kind === 'count') {
    lines.push(`- 口径 / counts: ${basisText[i.basis]}`, `- 定义: ${i.definition.zh}`, `- Definition: ${i.definition.en}`);
  } else {
    lines.push(`- 公式: ${formulaText(i, 'zh')}`, `- Formula: ${formulaText(i, 'en')}`);
    if (i.kind === 'average') lines.push(`- 单位 / unit: ${i.unit.zh} / ${i.unit.en}`);
    if (i.note) lines.push(`- 说明: ${i.note.zh}`, `- Note: ${i.note.en}`);
  }
  lines.push(`- 来源 / source: ${i.source}`, '');
  return lines.join('\n');
}

export const docStart = '<!-- indicators:start (generated from server/src/modules/evaluation/indicators.ts) -->';
export const docEnd = '<!-- indicators:end -->';

/** The generated part of docs/evaluation.md: every indicator with its names, formula and source. */
export function renderDefinitions(): string {
  const groups: [string, IndicatorDefinition[]][] = [
    ['### 计数 · Counts', counts.filter((c) => c.basis === 'event')],
    ['### 回访计数 · Callback counts', counts.filter((c) => c.basis === 'callback')],
    ['### 比率 · Rates', indicators.filter((i) => i.kind === 'rate')],
    ['### 平均值 · Averages', indicators.filter((i) => i.kind === 'average')],
  ];
  const parts = groups.map(([title, items]) => [title, '', ...items.map(section)].join('\n'));
  return [docStart, '', ...parts, docEnd].join('\n');
}

export const docPath = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../docs/evaluation.md');

/** The document with its generated part replaced by the current definitions. */
export function updatedDoc(text: string): string {
  const start = text.indexOf(docStart);
  const end = text.indexOf(docEnd);
  if (start < 0 || end < start) throw new Error(`${docPath} lacks the markers ${docStart} … ${docEnd}`);
  return text.slice(0, start) + renderDefinitions() + text.slice(end + docEnd.length);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  fs.writeFileSync(docPath, updatedDoc(fs.readFileSync(docPath, 'utf8')));
  console.log(`updated ${docPath}`);
}
