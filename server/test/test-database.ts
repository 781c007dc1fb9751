import crypto from 'node:crypto';
import fs from 'node:fs';
import { inject } from 'vitest';
import { openPGlite, openPostgres, type Database } from '../src/db/database.ts';
import { withAdminClient } from './postgres-admin.ts';

/**
 * A private, migrated database with the demo town for one test file: PGlite in memory loaded from the
 * snapshot, or a PostgreSQL database cloned from the template when TEST_DATABASE_URL is set.
 */
export async function openTestDatabase(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) {
    const snapshot = new Blob([fs.readFileSync(inject('pgliteTemplate'))]);
    return openPGlite({ snapshot });
  }
  const name = `gongzhi_test_${crypto.randomBytes(6).toString('hex')}`;
  await withAdminClient(url, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${inject('postgresTemplate')}`));
  const target = new URL(url);
  target.pathname = `/${name}`;
  const database = await openPostgres(target.toString(), 5);
  return {
    ...database,
    async close() {
      await database.close();
      // Not WITH (FORCE): killing our own just-closed connections surfaces as unhandled errors.
      await withAdminClient(url, async (client) => {
        for (let attempt = 0; ; attempt++) {
          try {
            await client.query(`DROP DATABASE IF EXISTS ${name}`);
            return;
          } catch (error) {
            if (attempt >= 50 || (error as { code?: string }).code !== '55006') throw error;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      });
    },
  };
}
