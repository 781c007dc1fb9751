import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { ReminderStatus } from './outreach.tables.ts';

/**
 * Which events count for the outreach and compliance rates, as SQL conditions on an event aliased `e`.
 * Written once: the outreach log's rates and the evaluation's indicators both use them.
 */

/** Reminder outcomes in which a message was actually queued for the party (not "no party found", not "nothing sent"). */
const sentStatuses: readonly ReminderStatus[] = ['awaiting', 'complied', 'not_complied', 'expired', 'superseded'];

const reminderIn = (statuses: readonly ReminderStatus[]) =>
  sql<SqlBool>`EXISTS (SELECT 1 FROM outreach_reminder r WHERE r.event_id = e.id AND r.status IN (${sql.join(statuses.map((s) => sql.lit(s)))}))`;

/** Its category allows a polite reminder (as the category says now); merged duplicates are left out. */
export const reminderEligible: RawBuilder<SqlBool> = sql<SqlBool>`(e.merged_into_id IS NULL AND EXISTS (SELECT 1 FROM event_category rc WHERE rc.code = e.category_code AND rc.reminder_allowed))`;
/** Eligible, and a reminder went out to the responsible party. */
export const reminded: RawBuilder<SqlBool> = sql<SqlBool>`(${reminderEligible} AND ${reminderIn(sentStatuses)})`;
/** Reminded, and closed because the party complied. */
export const compliedAfterReminder: RawBuilder<SqlBool> = sql<SqlBool>`(${reminderEligible} AND ${reminderIn(['complied'])})`;
