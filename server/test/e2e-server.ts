import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../src/app.ts';
import { loadConfig } from '../src/config.ts';
import { openTestDatabase } from './test-database.ts';
import { startSupervisionScheduler } from '../src/modules/supervision/supervision-scheduler.ts';
import { startOutreach } from '../src/modules/outreach/outreach-jobs.ts';

export interface TestServerOptions {
  /** Run the supervision scheduler (催办/督办) as `npm start` does; off by default so no step appears by itself. */
  supervision?: boolean;
}

/**
 * The real server (built web UI included) on a random port over a private test database with the
 * demo town, for browser tests.
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<{ url: string; close(): Promise<void> }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-e2e-'));
  const database = await openTestDatabase();
  const config = loadConfig({ dataDir, databaseUrl: undefined, logLevel: 'silent', loginRatePerMinute: 1000 });
  const app = await buildApp({ config, database, logger: false, strictAudit: true });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  const scheduler = options.supervision ? startSupervisionScheduler(app) : undefined;
  if (scheduler) await scheduler.tick();
  // As in `serve`: the outreach worker sends the outbox (to the outbox provider: nothing leaves).
  const outreach = startOutreach(app);
  return {
    url,
    async close() {
      await scheduler?.stop();
      await outreach.stop();
      await app.close();
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
