import type { DataScopeKind } from '../db/schema.ts';
import type { Locale } from '../i18n/messages.ts';

/**
 * What a caller may see. Division codes nest by prefix, so "within my division" is a prefix test.
 * - division: every record inside the actor's division subtree (the tenant for a town command center);
 * - organization: records of the actor's organisation subtree (a department sees its cases);
 * - self: records the actor created or is assigned.
 */
export interface DataScope {
  kind: DataScopeKind;
  divisionCode: string;
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

const breadth: Record<DataScopeKind, number> = { self: 0, organization: 1, division: 2 };

export function widestScope(kinds: DataScopeKind[]): DataScopeKind {
  return kinds.reduce<DataScopeKind>((widest, kind) => (breadth[kind] > breadth[widest] ? kind : widest), 'self');
}

export function divisionInScope(scope: DataScope, divisionCode: string): boolean {
  return divisionCode.startsWith(scope.divisionCode);
}
