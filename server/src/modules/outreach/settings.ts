import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { QuietHours } from './delivery-rules.ts';
import type { Channel } from './outreach.tables.ts';

/** The 'outreach' row of `setting` (seeded by migration 0014, edited by administrators). */
export const outreachSettingKey = 'outreach';

export interface OutreachSettings {
  quietHours: QuietHours;
  /** At most this many messages to one number within the window (counting queued and sent ones). */
  rateLimit: { maxMessages: number; windowHours: number };
  /** A shop or enterprise this close to the spot may be the responsible party. */
  partyRadiusMeters: number;
  /** For categories without their own policy. */
  defaultGraceMinutes: number;
  defaultChannels: Channel[];
  /** Who the texts are from, e.g. 古林镇综合信息指挥室. */
  sign: string;
}

type Db = Kysely<DB> | Transaction<DB>;

export async function loadSettings(db: Db): Promise<OutreachSettings> {
  const row = await db.selectFrom('setting').select('value').where('key', '=', outreachSettingKey).executeTakeFirstOrThrow();
  // Written only by the migration and the validated settings route, so the shape holds.
  return row.value as OutreachSettings;
}

