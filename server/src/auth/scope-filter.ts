import { sql, type Expression, type SqlBool } from 'kysely';
import type { DataScope } from './actor.ts';

/** `column LIKE '<division>%'`: division codes nest by prefix. Codes are digits only, so nothing needs escaping. */
export function divisionPrefix(column: string, divisionCode: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} LIKE ${`${divisionCode}%`}`;
}

/**
 * The rows of a table that carry a division, an organisation and an owner, as the scope allows:
 * division → within the division subtree; organization → owned by one of the organisations;
 * self → created by the actor.
 */
export function scopeCondition(
  scope: DataScope,
  columns: { division: string; organization?: string; owner?: string },
): Expression<SqlBool> {
  const inDivision = divisionPrefix(columns.division, scope.divisionCode);
  if (scope.kind === 'division') return inDivision;
  if (scope.kind === 'organization' && columns.organization) {
    if (scope.organizationIds.length === 0) return sql<SqlBool>`false`;
    return sql<SqlBool>`${inDivision} AND ${sql.ref(columns.organization)} IN (${sql.join(scope.organizationIds)})`;
  }
  if (columns.owner && scope.userId !== null) return sql<SqlBool>`${inDivision} AND ${sql.ref(columns.owner)} = ${scope.userId}`;
  return sql<SqlBool>`false`;
}
