import { describe, expect, it } from 'vitest';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import type { DB } from '../db/schema.ts';
import { collapsePrefixes, coversCounty, divisionInScope, type DataScope } from './actor.ts';
import { scopeCondition, withinScopeOrDeployment } from './scope-filter.ts';

const compiler = new Kysely<DB>({
  dialect: { createAdapter: () => new PostgresAdapter(), createDriver: () => new DummyDriver(), createIntrospector: (db) => new PostgresIntrospector(db), createQueryCompiler: () => new PostgresQueryCompiler() },
});
const where = (condition: ReturnType<typeof scopeCondition>) => compiler.selectFrom('event').select('id').where(condition).compile();
const scope = (kind: DataScope['kind'], divisionCodes: string[]): DataScope => ({ kind, divisionCodes, organizationIds: [7], userId: 3 });

describe('a data scope of several division prefixes', () => {
  it('collapses prefixes nested in others and keeps them sorted', () => {
    expect(collapsePrefixes(['33020310320201', '33020310320101', '330203103201', '33020310320201'])).toEqual(['330203103201', '33020310320201']);
    expect(collapsePrefixes([])).toEqual([]);
  });

  it('holds a code under any of its prefixes, and nothing without one', () => {
    const grids = scope('grid', ['33020310320101', '33020310320203']);
    expect(divisionInScope(grids, '33020310320203')).toBe(true);
    expect(divisionInScope(grids, '33020310320102')).toBe(false);
    expect(divisionInScope(grids, '330203103201')).toBe(false);
    expect(divisionInScope(scope('grid', []), '33020310320101')).toBe(false);
    expect(coversCounty(grids)).toBe(false);
    expect(coversCounty(scope('division', ['330203']))).toBe(true);
  });

  it('filters rows by the OR of the prefixes; none filters everything out', () => {
    const grids = where(scopeCondition(scope('grid', ['33020310320101', '33020310320203']), { division: 'division_code' }));
    expect(grids.sql).toBe('select "id" from "event" where ("division_code" LIKE $1 OR "division_code" LIKE $2)');
    expect(grids.parameters).toEqual(['33020310320101%', '33020310320203%']);
    expect(where(scopeCondition(scope('grid', []), { division: 'division_code' })).sql).toBe('select "id" from "event" where false');
    const organization = where(scopeCondition(scope('organization', ['330203103']), { division: 'division_code', organization: 'handling_unit_id' }));
    expect(organization.sql).toBe('select "id" from "event" where "division_code" LIKE $1 AND "handling_unit_id" IN ($2)');
  });

  it('lets only a county-level scope see the rows of no division', () => {
    expect(where(withinScopeOrDeployment('division_code', scope('division', ['330203']))).sql).toBe('select "id" from "event" where ("division_code" LIKE $1 OR "division_code" IS NULL)');
    expect(where(withinScopeOrDeployment('division_code', scope('division', ['330203103']))).sql).toBe('select "id" from "event" where "division_code" LIKE $1');
  });
});
