import fp from 'fastify-plugin';
import { Notifier, inAppChannel } from './notifier.ts';
import { noticeRoutes } from './notify.routes.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** Writes in-app notices inside a transaction and delivers them (SSE; SMS/voice channels plug in). */
    notices: Notifier;
  }
}

/** The notice service for every module registered after it, and the "my notices" API. */
export const notifyPlugin = fp(async (app) => {
  const notifier = new Notifier(app.log);
  notifier.addChannel(inAppChannel(app.realtime));
  app.decorate('notices', notifier);
  await app.register(noticeRoutes);
});
