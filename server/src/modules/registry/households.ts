import type { Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { Draft } from './drafts.ts';
import type { RegistryRepository } from './registry.repo.ts';

/**
 * People name their household by number. A number not yet stored creates the household, placed where
 * its first member in the batch lives (the house's address when one is given), so importing a
 * population list builds its households too.
 */
export async function attachHouseholds(trx: Transaction<DB>, repo: RegistryRepository, drafts: Draft[], existing: Map<string, { id: number }>, current?: Record<string, unknown>) {
  const firstMember = new Map<string, Draft>();
  for (const draft of drafts) {
    if (typeof draft.householdNo === 'string' && !existing.has(draft.householdNo) && !firstMember.has(draft.householdNo)) firstMember.set(draft.householdNo, draft);
  }
  const created = await repo.insertHouseholds(
    trx,
    [...firstMember].map(([no, d]) => {
      const at = { ...current, ...d.values } as Record<string, unknown>;
      const address = typeof d.input.houseAddress === 'string' && d.input.houseAddress.trim() ? d.input.houseAddress.trim() : null;
      return { household_no: no, address, house_id: (at.house_id as number | null | undefined) ?? null, lng: at.lng as number, lat: at.lat as number, grid_code: at.grid_code as string, division_code: at.division_code as string };
    }),
  );
  for (const draft of drafts) {
    if (draft.householdNo === undefined) continue;
    draft.values.household_id = draft.householdNo === null ? null : (existing.get(draft.householdNo)?.id ?? created.get(draft.householdNo)!);
  }
}

/** Households whose membership these drafts changed: their heads are worked out again after the write. */
export function householdsTouched(drafts: Draft[]): number[] {
  return [...new Set(drafts.map((d) => d.values.household_id).filter((id): id is number => typeof id === 'number'))];
}
