import { describe, expect, it } from 'vitest';
import { limitProblem, parseStandardRows, planImport, type StandardColumnKey } from './standards-table.ts';
import type { TableRow } from './table-file.ts';

const good = { kind: '事件', majorCode: '05', majorName: '街面秩序', minorCode: '05', minorName: '机动车乱停放', registerCondition: '机动车违反规定停放', closeCondition: '车辆已驶离', limitValue: '0.5', limitUnit: '工作时', organization: '' };
const rows = (...cells: Partial<Record<StandardColumnKey, string>>[]): TableRow<StandardColumnKey>[] => cells.map((c, i) => ({ row: i + 2, cells: { ...good, ...c } }));

describe('立结案标准 rows', () => {
  it('limits: positive, two decimals, whole working days', () => {
    expect(limitProblem(0.5, 'work_hour')).toBeNull();
    expect(limitProblem(0, 'work_hour')).toBe('positive');
    expect(limitProblem(1.234, 'urgent_hour')).toBe('decimals');
    expect(limitProblem(1.5, 'work_day')).toBe('wholeWorkDays');
    expect(limitProblem(10000, 'natural_day')).toBe('maximum');
  });

  it('accept codes as Excel leaves them (5, 0505, E0505)', () => {
    const { rows: parsed, errors } = parseStandardRows(rows({ majorCode: '5', minorCode: '0505' }, { minorCode: 'E0505', registerCondition: '另一条件' }));
    expect(errors).toEqual([]);
    expect(parsed.map((r) => r.code)).toEqual(['E0505', 'E0505']);
  });

  it('report every bad cell with its row and column', () => {
    const { rows: parsed, errors } = parseStandardRows(
      rows(
        {},
        { kind: '设施', limitValue: '两小时', limitUnit: '小时' },
        { minorCode: 'C0505' },
        { limitValue: '1.5', limitUnit: '工作日', registerCondition: '' },
        { registerCondition: '机动车违反规定停放' },
        { minorName: '乱停车', registerCondition: '第三种' },
        { majorName: '街面', registerCondition: '第四种' },
      ),
    );
    expect(parsed.map((r) => r.row)).toEqual([2]);
    expect(errors).toEqual([
      { field: '/rows/3/kind', code: 'enum', params: { allowed: '部件, 事件' } },
      { field: '/rows/3/limitUnit', code: 'enum', params: { allowed: '紧急工作时, 工作时, 工作日, 自然日' } },
      { field: '/rows/3/limitValue', code: 'type', params: { type: 'number' } },
      { field: '/rows/4/minorCode', code: 'pattern' },
      { field: '/rows/5/limitValue', code: 'wholeWorkDays' },
      { field: '/rows/5/registerCondition', code: 'required' },
      { field: '/rows/6/registerCondition', code: 'duplicateRow', params: { row: 2 } },
      { field: '/rows/7/minorName', code: 'nameMismatch', params: { expected: '机动车乱停放' } },
      { field: '/rows/8/majorName', code: 'nameMismatch', params: { expected: '街面秩序' } },
    ]);
  });
});

describe('import plan', () => {
  const existing = {
    categories: [{ code: 'E0505', kind: 'event' as const, majorCode: '05', majorName: '街面秩序', minorName: '机动车乱停放' }],
    standards: [{ id: 7, categoryCode: 'E0505', registerCondition: '机动车违反规定停放', closeCondition: '车辆已驶离', limitValue: 0.5, limitUnit: 'work_hour' as const, defaultOrganizationId: null, active: true }],
    organizations: [
      { id: 1, code: 'GL-ENF-1', name: '执法一中队' },
      { id: 2, code: 'A', name: '同名单位' },
      { id: 3, code: 'B', name: '同名单位' },
    ],
  };
  const plan = (...cells: Partial<Record<StandardColumnKey, string>>[]) => planImport(parseStandardRows(rows(...cells)).rows, existing);

  it('changes nothing for rows equal to what is stored', () => {
    expect(plan({})).toMatchObject({ errors: [], newCategories: [], renamedMinors: [], renamedMajors: [], newStandards: [], changedStandards: [], unchanged: 1 });
  });

  it('updates by (小类, 立案条件), adds new conditions, renames and creates extensions', () => {
    const result = plan(
      { limitValue: '1', organization: '执法一中队', majorName: '街面秩序管理' },
      { registerCondition: '占用盲道停放', organization: 'GL-ENF-1', majorName: '街面秩序管理' },
      { minorCode: '50', minorName: '占道经营', registerCondition: '设摊经营', majorName: '街面秩序管理' },
    );
    expect(result.errors).toEqual([]);
    expect(result.changedStandards).toMatchObject([{ id: 7, limitValue: 1, defaultOrganizationId: 1 }]);
    expect(result.newStandards.map((s) => [s.categoryCode, s.registerCondition, s.defaultOrganizationId])).toEqual([
      ['E0505', '占用盲道停放', 1],
      ['E0550', '设摊经营', null],
    ]);
    expect(result.newCategories).toMatchObject([{ code: 'E0550', minorName: '占道经营' }]);
    expect(result.renamedMajors).toEqual([{ kind: 'event', majorCode: '05', majorName: '街面秩序管理' }]);
  });

  it('refuses unknown national codes, unknown and ambiguous organisations', () => {
    const result = plan({ minorCode: '20', minorName: '新小类' }, { registerCondition: '条件二', organization: '不存在' }, { registerCondition: '条件三', organization: '同名单位' });
    expect(result.errors).toEqual([
      { field: '/rows/2/minorCode', code: 'extensionCode' },
      { field: '/rows/3/organization', code: 'unknownOrganization' },
      { field: '/rows/4/organization', code: 'ambiguousOrganization' },
    ]);
  });
});
