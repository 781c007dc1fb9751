import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { buildApp, type App } from '../src/app.ts';
import { loadConfig, type Config } from '../src/config.ts';
import { demoPassword } from '../src/demo/demo-town.ts';
import { openTestDatabase } from './test-database.ts';

export interface Session {
  cookie: string;
  csrfToken: string;
}

export interface TestApp {
  app: App;
  dataDir: string;
  /** Every registered route as `METHOD /path`. */
  routes: string[];
  /** Signs in through the real login route (demo password unless given). */
  login(username: string, password?: string): Promise<Session>;
  /** `app.inject` with the session's cookie and CSRF header. */
  as(session: Session | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function createTestApp(overrides: Partial<Config> = {}, options: { now?: () => number } = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gongzhi-app-'));
  const config = loadConfig({ dataDir, databaseUrl: undefined, logLevel: 'silent', loginRatePerMinute: 1000, ...overrides });
  const database = await openTestDatabase();
  const routes: string[] = [];
  const onRoute = (route: { method: string | string[]; url: string }) => {
    for (const method of [route.method].flat()) if (method !== 'HEAD') routes.push(`${method} ${route.url}`);
  };
  const app = await buildApp({ config, database, logger: false, strictAudit: true, now: options.now, onRoute });
  await app.ready();

  const as = (session: Session | undefined, options: InjectOptions) => {
    const headers: Record<string, string> = { ...(options.headers as Record<string, string> | undefined) };
    if (session) {
      headers.cookie = session.cookie;
      headers['x-csrf-token'] ??= session.csrfToken;
    }
    return app.inject({ ...options, headers });
  };

  return {
    app,
    dataDir,
    routes,
    as,
    async login(username, password = demoPassword) {
      const response = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
      if (response.statusCode !== 200) throw new Error(`login ${username} failed: ${response.body}`);
      const cookie = response.cookies.find((c) => c.name === 'gz_session');
      return { cookie: `gz_session=${cookie!.value}`, csrfToken: response.json().csrfToken };
    },
    async close() {
      await app.close();
      await database.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** `METHOD /path/:param` routes under the given prefixes: a scope test proves it probes each of them. */
export function parameterisedRoutes(t: TestApp, prefixes: string[]): string[] {
  return t.routes.filter((r) => r.includes('/:') && prefixes.some((p) => r.split(' ')[1]!.startsWith(p)));
}
