import { sql, type Expression, type SqlBool } from 'kysely';
import { coversCounty, type DataScope } from './actor.ts';

/**
 * `column LIKE '<root>%'` for any of the roots (false for none): division codes nest by prefix. Codes
 * are digits only, so nothing needs escaping.
 */
export function divisionPrefix(column: string, roots: string | readonly string[]): Expression<SqlBool> {
  const list = typeof roots === 'string' ? [roots] : roots;
  if (list.length === 0) return sql<SqlBool>`false`;
  const tests = list.map((root) => sql<SqlBool>`${sql.ref(column)} LIKE ${`${root}%`}`);
  return tests.length === 1 ? tests[0]! : sql<SqlBool>`(${sql.join(tests, sql` OR `)})`;
}

/** The rows whose division lies in the scope's area (its division subtree or its grids). */
export function withinScope(column: string, scope: DataScope): Expression<SqlBool> {
  return divisionPrefix(column, scope.divisionCodes);
}

/**
 * The rows of a table that carry a division, an organisation and an owner, as the scope allows:
 * division or grid → within the scope's area; organization → also owned by one of the organisations;
 * self → also created by the actor.
 */
export function scopeCondition(
  scope: DataScope,
  columns: { division: string; organization?: string; owner?: string },
): Expression<SqlBool> {
  const inArea = withinScope(columns.division, scope);
  if (scope.kind === 'division' || scope.kind === 'grid') return inArea;
  if (scope.kind === 'organization' && columns.organization) {
    if (scope.organizationIds.length === 0) return sql<SqlBool>`false`;
    return sql<SqlBool>`${inArea} AND ${sql.ref(columns.organization)} IN (${sql.join(scope.organizationIds)})`;
  }
  if (columns.owner && scope.userId !== null) return sql<SqlBool>`${inArea} AND ${sql.ref(columns.owner)} = ${scope.userId}`;
  return sql<SqlBool>`false`;
}

/**
 * As `withinScope`; a county-level scope also gets the rows where `unplaced` is null: they belong to
 * no division and concern the whole deployment (roles, rules for every area, unknown sign-in names).
 */
export function withinScopeOrDeployment(column: string, scope: DataScope, unplaced = column): Expression<SqlBool> {
  const inArea = withinScope(column, scope);
  return coversCounty(scope) ? sql<SqlBool>`(${inArea} OR ${sql.ref(unplaced)} IS NULL)` : inArea;
}
