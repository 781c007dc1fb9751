import pg from 'pg';

export const templateDatabaseName = 'gongzhi_test_template';

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
