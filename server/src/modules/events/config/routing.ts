/**
 * Who handles an event: routing rules (category × area × source → organisation, with a priority; a
 * null field matches anything) applied to one event. Pure: the caller supplies the active rules.
 *
 * An event on the boundary of two grids is routed by the one grid the locator assigns it
 * (`app.grids.locate` is deterministic: the lowest grid code among those that contain the point), so the
 * same point always reaches the same organisation.
 */
export interface RoutingRule {
  id: number;
  categoryCode: string | null;
  /** A division (town, village or grid): matches every grid whose code starts with it. */
  divisionCode: string | null;
  source: string | null;
  organizationId: number;
  priority: number;
}

export interface RouteRequest {
  categoryCode: string | null;
  gridCode: string | null;
  source: string;
}

export interface RankedOrganization {
  organizationId: number;
  /** The priority of the best rule naming it; null for the standard's default unit (no rule named it). */
  priority: number | null;
}

export interface RoutePick {
  candidates: RankedOrganization[];
  autoDispatch: boolean;
}

export function ruleMatches(rule: RoutingRule, request: RouteRequest): boolean {
  if (rule.categoryCode !== null && rule.categoryCode !== request.categoryCode) return false;
  if (rule.divisionCode !== null && !(request.gridCode ?? '').startsWith(rule.divisionCode)) return false;
  return rule.source === null || rule.source === request.source;
}

/**
 * Best first: higher priority; then the more specific rule, judged field by field: a named category
 * beats any area, a deeper area (grid > village > town) beats a shallower one, and a named source
 * breaks the remaining ties. Equal rules keep a stable order by id.
 */
export function compareRules(a: RoutingRule, b: RoutingRule): number {
  return rank(a, b) || a.id - b.id;
}

function rank(a: RoutingRule, b: RoutingRule): number {
  return (
    b.priority - a.priority ||
    Number(b.categoryCode !== null) - Number(a.categoryCode !== null) ||
    (b.divisionCode?.length ?? 0) - (a.divisionCode?.length ?? 0) ||
    Number(b.source !== null) - Number(a.source !== null)
  );
}

/**
 * The ranked organisations for an event. Dispatch is automatic only when the category allows it and
 * the best rules (equal priority and specificity) name exactly one organisation; otherwise the list is a
 * suggestion for the dispatcher. The standard's default responsible unit comes last as a fallback.
 */
export function pickRoute(rules: readonly RoutingRule[], request: RouteRequest, options: { categoryAutoDispatch: boolean; fallbackOrganizationId: number | null }): RoutePick {
  const ranked = rules.filter((rule) => ruleMatches(rule, request)).sort(compareRules);
  const best = ranked[0];
  const topOrganizations = new Set(ranked.filter((rule) => best && rank(rule, best) === 0).map((rule) => rule.organizationId));
  const candidates: RankedOrganization[] = [];
  for (const rule of ranked) {
    if (!candidates.some((c) => c.organizationId === rule.organizationId)) candidates.push({ organizationId: rule.organizationId, priority: rule.priority });
  }
  const fallback = options.fallbackOrganizationId;
  if (fallback !== null && !candidates.some((c) => c.organizationId === fallback)) candidates.push({ organizationId: fallback, priority: null });
  return { candidates, autoDispatch: options.categoryAutoDispatch && topOrganizations.size === 1 };
}
