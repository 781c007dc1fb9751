import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { compareRules, pickRoute, ruleMatches, type RoutingRule } from './routing.ts';

const town = '330203103';
const community = `${town}001`;
const village = `${town}201`;
const gridOfVillage = `${village}03`;

let nextId = 1;
const rule = (fields: Partial<RoutingRule> & { organizationId: number }): RoutingRule => ({ id: nextId++, categoryCode: null, divisionCode: null, source: null, priority: 0, ...fields });
const request = { categoryCode: 'E0505', gridCode: gridOfVillage, source: 'video_ai' };
const options = { categoryAutoDispatch: true, fallbackOrganizationId: null };
const ids = (pick: ReturnType<typeof pickRoute>) => pick.candidates.map((c) => c.organizationId);

describe('routing rules', () => {
  it('match on category, area prefix and source, with null as a wildcard', () => {
    expect(ruleMatches(rule({ organizationId: 1 }), request)).toBe(true);
    expect(ruleMatches(rule({ organizationId: 1, categoryCode: 'E0505', divisionCode: village, source: 'video_ai' }), request)).toBe(true);
    expect(ruleMatches(rule({ organizationId: 1, divisionCode: town }), request)).toBe(true);
    expect(ruleMatches(rule({ organizationId: 1, categoryCode: 'E0504' }), request)).toBe(false);
    expect(ruleMatches(rule({ organizationId: 1, divisionCode: community }), request)).toBe(false);
    expect(ruleMatches(rule({ organizationId: 1, source: 'hotline' }), request)).toBe(false);
    // An event without a grid (not yet placed) or without a category only meets rules that do not ask for one.
    expect(ruleMatches(rule({ organizationId: 1, divisionCode: town }), { ...request, gridCode: null })).toBe(false);
    expect(ruleMatches(rule({ organizationId: 1, categoryCode: 'E0505' }), { ...request, categoryCode: null })).toBe(false);
  });

  it('prefer the higher priority over specificity', () => {
    const pick = pickRoute([rule({ organizationId: 1, categoryCode: 'E0505', divisionCode: village, source: 'video_ai', priority: 0 }), rule({ organizationId: 2, priority: 5 })], request, options);
    expect(ids(pick)).toEqual([2, 1]);
    expect(pick.candidates[0]).toEqual({ organizationId: 2, priority: 5 });
    expect(pick.autoDispatch).toBe(true);
  });

  it('at equal priority prefer category, then the deeper area, then source', () => {
    const sourceOnly = rule({ organizationId: 1, source: 'video_ai' });
    const townArea = rule({ organizationId: 2, divisionCode: town });
    const villageArea = rule({ organizationId: 3, divisionCode: village });
    const categoryOnly = rule({ organizationId: 4, categoryCode: 'E0505' });
    const categoryVillage = rule({ organizationId: 5, categoryCode: 'E0505', divisionCode: village });
    const everything = rule({ organizationId: 6, categoryCode: 'E0505', divisionCode: village, source: 'video_ai' });
    const shuffled = [villageArea, everything, sourceOnly, categoryOnly, townArea, categoryVillage];
    expect(ids(pickRoute(shuffled, request, options))).toEqual([6, 5, 4, 3, 2, 1]);
  });

  it('dispatch automatically only when one organisation is alone at the top and the category allows it', () => {
    const unique = [rule({ organizationId: 1, categoryCode: 'E0505' }), rule({ organizationId: 2 })];
    expect(pickRoute(unique, request, options).autoDispatch).toBe(true);
    expect(pickRoute(unique, request, { ...options, categoryAutoDispatch: false }).autoDispatch).toBe(false);
    const tie = [rule({ organizationId: 1, categoryCode: 'E0505' }), rule({ organizationId: 2, categoryCode: 'E0505' })];
    const tied = pickRoute(tie, request, options);
    expect(tied.autoDispatch).toBe(false);
    expect(ids(tied)).toEqual([1, 2]);
    // Two equal rules naming the same organisation are still one organisation.
    const same = [rule({ organizationId: 1, categoryCode: 'E0505' }), rule({ organizationId: 1, categoryCode: 'E0505' })];
    expect(pickRoute(same, request, options)).toEqual({ candidates: [{ organizationId: 1, priority: 0 }], autoDispatch: true });
    expect(pickRoute([], request, options).autoDispatch).toBe(false);
  });

  it('offer the standard default organisation last when no rule names it', () => {
    const pick = pickRoute([rule({ organizationId: 1 })], request, { categoryAutoDispatch: true, fallbackOrganizationId: 9 });
    expect(pick.candidates).toEqual([{ organizationId: 1, priority: 0 }, { organizationId: 9, priority: null }]);
    expect(pick.autoDispatch).toBe(true);
    const onlyFallback = pickRoute([], request, { categoryAutoDispatch: true, fallbackOrganizationId: 9 });
    expect(onlyFallback).toEqual({ candidates: [{ organizationId: 9, priority: null }], autoDispatch: false });
    const named = pickRoute([rule({ organizationId: 9, priority: 3 })], request, { categoryAutoDispatch: false, fallbackOrganizationId: 9 });
    expect(named.candidates).toEqual([{ organizationId: 9, priority: 3 }]);
  });

  it('route a point on a village boundary by the grid that holds it, so rules of different villages never compete', () => {
    const rules = [rule({ organizationId: 1, categoryCode: 'E0505', divisionCode: community }), rule({ organizationId: 2, categoryCode: 'E0505', divisionCode: village })];
    expect(ids(pickRoute(rules, { ...request, gridCode: `${community}07` }, options))).toEqual([1]);
    expect(ids(pickRoute(rules, { ...request, gridCode: `${village}01` }, options))).toEqual([2]);
  });

  const arbitraryRule = fc.record({
    id: fc.integer({ min: 1, max: 1000 }),
    categoryCode: fc.constantFrom(null, 'E0505', 'E0504'),
    divisionCode: fc.constantFrom(null, town, village, community, gridOfVillage),
    source: fc.constantFrom(null, 'video_ai', 'hotline'),
    organizationId: fc.integer({ min: 1, max: 6 }),
    priority: fc.integer({ min: -2, max: 2 }),
  });

  it('property: the order does not depend on the input order, and every candidate comes from a matching rule', () => {
    fc.assert(
      fc.property(fc.uniqueArray(arbitraryRule, { selector: (r) => r.id, maxLength: 12 }), (rules) => {
        const pick = pickRoute(rules, request, options);
        expect(pickRoute([...rules].reverse(), request, options)).toEqual(pick);
        const matching = rules.filter((r) => ruleMatches(r, request));
        expect(new Set(ids(pick))).toEqual(new Set(matching.map((r) => r.organizationId)));
        const best = [...matching].sort(compareRules)[0];
        if (best) expect(pick.candidates[0]!.organizationId).toBe(best.organizationId);
      }),
    );
  });
});
