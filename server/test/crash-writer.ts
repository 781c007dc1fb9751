// Child process for the crash-safety test: commits rows one by one and prints each committed count,
// until its parent kills it with SIGKILL.
import { sql } from 'kysely';
import { openPGlite } from '../src/db/database.ts';

const database = await openPGlite({ dataDir: process.argv[2]! });
await sql`CREATE TABLE crash_probe (n integer PRIMARY KEY, filler text)`.execute(database.db);
for (let n = 1; n <= 100_000; n++) {
  await sql`INSERT INTO crash_probe VALUES (${n}, ${'x'.repeat(200)})`.execute(database.db);
  process.stdout.write(`${n}\n`);
}
