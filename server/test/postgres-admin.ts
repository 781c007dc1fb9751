import pg from 'pg';

/** One template per test run, so that runs sharing a server (two engineers, or one and CI) never collide. */
export function newTemplateDatabaseName(): string {
  return `gongzhi_tpl_${process.pid}_${Date.now().toString(36)}`;
}

/** Runs statements on the server's maintenance connection (CREATE/DROP DATABASE cannot run in the target). */
export async function withAdminClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
