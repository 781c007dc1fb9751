// Minimal HTTP client helpers on node:http (no dependencies). Only ever used against 127.0.0.1.
import http from 'node:http';

/** One request; resolves { status, headers, body } with the body as a string. */
export function httpRequest(url, { method = 'GET', headers = {}, body, timeoutMs = 10_000, agent = false } = {}) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const req = http.request(
      url,
      {
        method,
        agent,
        headers: {
          ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
          ...headers,
        },
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${url}`)));
    req.on('error', reject);
    req.end(payload);
  });
}

export const adminCredentials = { username: 'admin', password: 'Gongzhi@2026' };

/** Signs in; returns { cookie: 'gz_session=…', csrfToken }. */
export async function login(baseUrl, credentials = adminCredentials) {
  const res = await httpRequest(`${baseUrl}/api/auth/login`, { method: 'POST', body: credentials });
  if (res.status !== 200) throw new Error(`login as ${credentials.username} failed: HTTP ${res.status} ${res.body.slice(0, 300)}`);
  const setCookie = [].concat(res.headers['set-cookie'] ?? []);
  const session = setCookie.map((c) => c.split(';')[0]).find((c) => c.startsWith('gz_session='));
  if (!session) throw new Error(`login returned no gz_session cookie (set-cookie: ${JSON.stringify(setCookie)})`);
  return { cookie: session, csrfToken: JSON.parse(res.body).csrfToken };
}
