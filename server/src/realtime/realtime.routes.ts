import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorOf } from '../auth/auth.plugin.ts';
import { divisionInScope } from '../auth/actor.ts';

const heartbeatMillis = 25_000;

/** One Server-Sent-Events endpoint for every live update, filtered by the caller's data scope. */
export const realtimeRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const openStreams = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const close of openStreams) close();
  });

  app.get('/api/stream', { schema: { tags: ['realtime'], summary: 'Live updates (text/event-stream)' } }, (request, reply) => {
    const actor = actorOf(request);
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    out.write(`retry: 3000\n\n`);
    const unsubscribe = app.realtime.subscribe(
      (message) => (message.userId === undefined ? divisionInScope(actor.scope, message.divisionCode) : actor.type === 'user' && actor.id === message.userId),
      (message) => out.write(`event: ${message.type}\ndata: ${JSON.stringify(message.data)}\n\n`),
    );
    const heartbeat = setInterval(() => out.write(`: ping\n\n`), heartbeatMillis);
    const close = () => {
      clearInterval(heartbeat);
      unsubscribe();
      openStreams.delete(close);
      out.end();
    };
    openStreams.add(close);
    request.raw.on('close', close);
  });
};
