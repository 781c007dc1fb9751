import { describe, expect, it } from 'vitest';
import { renderTemplate, reminderTime, usedVariables, validateTemplate } from './templates.ts';

const values = { place: '布政路12号', party: '王记便利店', category: '占道经营', time: '11月26日 14:05', deadline_minutes: '30', sign: '古林镇综合信息指挥室' };

describe('reminder templates', () => {
  it('accepts the known variables and renders them with their values', () => {
    const body = '您好，{party}：{time}在{place}发现{category}，请于{deadline_minutes}分钟内处理。【{sign}】';
    expect(validateTemplate(body)).toEqual([]);
    expect(usedVariables(body)).toEqual(['party', 'time', 'place', 'category', 'deadline_minutes', 'sign']);
    expect(renderTemplate(body, values)).toEqual({
      text: '您好，王记便利店：11月26日 14:05在布政路12号发现占道经营，请于30分钟内处理。【古林镇综合信息指挥室】',
      params: values,
    });
  });

  it('passes on only the values a body uses (providers with approved templates get exactly those)', () => {
    expect(renderTemplate('请于{deadline_minutes}分钟内驶离，{deadline_minutes}', values)).toEqual({ text: '请于30分钟内驶离，30', params: { deadline_minutes: '30' } });
  });

  it('names every unknown variable once, with the ones available', () => {
    const problems = validateTemplate('{shop}您好，{plate}，{shop}');
    expect(problems.map((p) => [p.code, p.params.name])).toEqual([
      ['OUTREACH_TEMPLATE_UNKNOWN_VARIABLE', 'shop'],
      ['OUTREACH_TEMPLATE_UNKNOWN_VARIABLE', 'plate'],
    ]);
    expect(problems[0]!.params.allowed).toContain('{deadline_minutes}');
  });

  it('finds unmatched braces and empty bodies', () => {
    expect(validateTemplate('请于{deadline_minutes分钟内')).toEqual([{ code: 'OUTREACH_TEMPLATE_BRACES', params: { position: 3 } }]);
    expect(validateTemplate('请于deadline}分钟内')).toEqual([{ code: 'OUTREACH_TEMPLATE_BRACES', params: { position: 11 } }]);
    expect(validateTemplate('{a{place}}')).toEqual([{ code: 'OUTREACH_TEMPLATE_BRACES', params: { position: 1 } }]);
    expect(validateTemplate('  ')).toEqual([{ code: 'OUTREACH_TEMPLATE_EMPTY', params: {} }]);
  });

  it('reports missing values instead of rendering blanks', () => {
    expect(renderTemplate('{time}在{place}发现{category}', { ...values, place: undefined, category: ' ' })).toEqual({ missing: ['place', 'category'] });
    expect(renderTemplate('{oops}', values)).toEqual({ problems: [expect.objectContaining({ code: 'OUTREACH_TEMPLATE_UNKNOWN_VARIABLE' })] });
  });

  it('writes the time as a local (Asia/Shanghai) month, day and clock time', () => {
    expect(reminderTime(new Date('2026-11-26T06:05:09Z'))).toBe('11月26日 14:05');
    expect(reminderTime(new Date('2026-12-31T16:30:00Z'))).toBe('1月1日 00:30');
  });
});
