import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { Actor } from '../auth/actor.ts';
import { AppError } from '../http/errors.ts';
import { revealRepo } from './reveal.repo.ts';

/** The audit action of a reveal; the audit trail doubles as the counter for the daily limit. */
export const revealAction = 'registry:personal-data:reveal';

/** Midnight in Asia/Shanghai (UTC+8 all year: China has no daylight saving time) before `now`. */
export function startOfShanghaiDay(now: Date): Date {
  const offset = 8 * 3_600_000;
  return new Date(Math.floor((now.getTime() + offset) / 86_400_000) * 86_400_000 - offset);
}

/** Refuses a reveal past the actor's daily limit; serialised per actor so two at the limit cannot both pass. */
export async function checkRevealQuota(trx: Transaction<DB>, actor: Actor, limit: number, now = new Date()) {
  await revealRepo.lockActor(trx, actor);
  const used = await revealRepo.countSince(trx, actor, revealAction, startOfShanghaiDay(now));
  if (used >= limit) throw new AppError('REVEAL_LIMIT', 429, { limit });
}
