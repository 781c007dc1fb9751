import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { docPath, renderDefinitions, updatedDoc } from './evaluation-doc.ts';
import { formulaText, indicators } from './indicators.ts';

/** docs/evaluation.md states the definitions of indicators.ts, every one of them, with its source. */
describe('evaluation documentation', () => {
  const doc = fs.readFileSync(docPath, 'utf8');

  it('is up to date with the definitions (npx tsx server/src/modules/evaluation/evaluation-doc.ts)', () => {
    expect(updatedDoc(doc)).toBe(doc);
  });

  it('documents every indicator with its names, formula and source', () => {
    const generated = renderDefinitions();
    for (const i of indicators) {
      const heading = `#### ${i.name.zh} · ${i.name.en} (\`${i.code}\`)`;
      expect(doc).toContain(heading);
      const section = generated.slice(generated.indexOf(heading)).split('\n#### ')[0]!;
      expect(section).toContain(formulaText(i, 'zh'));
      expect(section).toContain(formulaText(i, 'en'));
      expect(section).toContain(`来源 / source: ${i.source}`);
    }
  });
});
