import type { Config } from '../config.ts';
import { openPGlite, openPostgres, type Database } from './database.ts';

/** PostgreSQL when DATABASE_URL is set, otherwise the embedded PGlite database in `<dataDir>/pg`. */
export function openDatabase(config: Config): Promise<Database> {
  return config.databaseUrl ? openPostgres(config.databaseUrl) : openPGlite({ dataDir: config.dataDir });
}
