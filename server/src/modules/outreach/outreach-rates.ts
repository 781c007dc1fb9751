import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { outreachRepo } from './outreach.repo.ts';

export interface OutreachRates {
  /** Events reported in the period whose category allows a reminder (merged duplicates left out). */
  eligible: number;
  /** Of those, events a reminder was actually sent for (a party found, at least one message queued). */
  reminded: number;
  /** Of those, events that closed because the party complied. */
  complied: number;
  /** reminded / eligible; null when nothing was eligible. */
  outreachRate: number | null;
  /** complied / reminded; null when nothing was reminded. Reminders still waiting count as not (yet) complied. */
  complianceRate: number | null;
}

/**
 * The outreach rate and the compliance rate of one or more division subtrees over a period of report times, for
 * the evaluation (考核) and the outreach log. Whether a category allows reminders is read as it is now.
 */
export async function outreachRates(db: Kysely<DB> | Transaction<DB>, period: { divisionCode: string | readonly string[]; from: Date; to: Date }): Promise<OutreachRates> {
  const { eligible, reminded, complied } = await outreachRepo.rates(db, period);
  return {
    eligible,
    reminded,
    complied,
    outreachRate: eligible === 0 ? null : reminded / eligible,
    complianceRate: reminded === 0 ? null : complied / reminded,
  };
}
