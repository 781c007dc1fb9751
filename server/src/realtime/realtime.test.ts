import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../test/test-app.ts';

describe('live updates over Server-Sent Events', () => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await createTestApp();
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t.close());

  /** Opens the stream as `username` and collects event names until `count` arrive. */
  async function collect(username: string, count: number, publish: () => void) {
    const session = await t.login(username);
    const controller = new AbortController();
    const response = await fetch(`${base}/api/stream`, { headers: { cookie: session.cookie }, signal: controller.signal });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const received: string[] = [];
    let buffer = '';
    const timer = setTimeout(() => controller.abort(), 5000);
    setTimeout(publish, 100);
    try {
      while (received.length < count) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += new TextDecoder().decode(value);
        for (const match of buffer.matchAll(/data: (.*)\n\n/g)) received.push(JSON.parse(match[1]!).label);
        buffer = buffer.slice(buffer.lastIndexOf('\n\n') + 2);
      }
    } finally {
      clearTimeout(timer);
      controller.abort();
    }
    return received;
  }

  it('delivers only what the subscriber data scope covers', async () => {
    const publish = () => {
      t.app.realtime.publish({ type: 'test', divisionCode: '330203103202', data: { label: 'village B' } });
      t.app.realtime.publish({ type: 'test', divisionCode: '33020310320103', data: { label: 'grid in A' } });
      t.app.realtime.publish({ type: 'test', divisionCode: '330203103', data: { label: 'town' } });
      t.app.realtime.publish({ type: 'test', divisionCode: '330203103201', data: { label: 'village A' } });
    };
    expect(await collect('village', 2, publish)).toEqual(['grid in A', 'village A']);
    expect(await collect('command', 4, publish)).toEqual(['village B', 'grid in A', 'town', 'village A']);
  });

  it('needs a session', async () => {
    const response = await fetch(`${base}/api/stream`);
    expect(response.status).toBe(401);
  });
});
