import type { DataScopeKind } from '../db/schema.ts';
import type { Locale } from '../i18n/messages.ts';

/**
 * What a caller may see. Division codes nest by prefix, so "within my area" is a prefix test against
 * `divisionCodes`, the area's roots (none nested in another; none at all means nothing is in the area).
 * - division: every record inside the actor's division subtree (the tenant for a town command center);
 * - grid: every record inside the unit grids of the responsibility grids the actor serves (a grid worker,
 *   primary or backup; the grids may lie in several villages);
 * - organization: records of the actor's organisation subtree (a department sees its cases);
 * - self: records the actor created or is assigned.
 */
export interface DataScope {
  kind: DataScopeKind;
  divisionCodes: string[];
  organizationIds: number[];
  userId: number | null;
}

export interface Actor {
  type: 'user' | 'token';
  id: number;
  /** The display name (a token's name). */
  name: string;
  /** The sign-in name (a token's prefix). */
  username: string;
  /** The home division: where the actor belongs, not what they may see (that is `scope`). */
  divisionCode: string;
  divisionName: string;
  organizationId: number | null;
  organizationName: string | null;
  roles: string[];
  permissions: string[];
  scope: DataScope;
  /** The language of this request (Accept-Language, else the saved one). */
  locale: Locale;
  /** The user's saved language preference. */
  savedLocale: Locale;
  /** Set for cookie sessions; API tokens are exempt from CSRF checks. */
  csrfToken?: string;
}

const breadth: Record<DataScopeKind, number> = { self: 0, grid: 1, organization: 2, division: 3 };

export function widestScope(kinds: DataScopeKind[]): DataScopeKind {
  return kinds.reduce<DataScopeKind>((widest, kind) => (breadth[kind] > breadth[widest] ? kind : widest), 'self');
}

/** The roots of the area the codes cover: sorted, without the codes that lie under another one. */
export function collapsePrefixes(codes: Iterable<string>): string[] {
  const roots: string[] = [];
  for (const code of [...new Set(codes)].sort()) if (!roots.some((root) => code.startsWith(root))) roots.push(code);
  return roots;
}

export function divisionInScope(scope: DataScope, divisionCode: string): boolean {
  return scope.divisionCodes.some((root) => divisionCode.startsWith(root));
}

/** A county-level actor (a root of six digits or fewer) keeps the settings that hold for every town. */
export function coversCounty(scope: DataScope): boolean {
  return scope.divisionCodes.some((root) => root.length <= 6);
}
