import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import multipart from '@fastify/multipart';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fastifyStatic from '@fastify/static';
import { TypeBoxValidatorCompiler, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Kysely } from 'kysely';
import type { Config } from './config.ts';
import type { Database } from './db/database.ts';
import type { DB } from './db/schema.ts';
import type { Actor } from './auth/actor.ts';
import { AuthRepository } from './auth/auth.repo.ts';
import { AuthService } from './auth/auth.service.ts';
import { authPlugin } from './auth/auth.plugin.ts';
import { authRoutes } from './auth/auth.routes.ts';
import { problemHandler } from './http/problem.ts';
import { AppError } from './http/errors.ts';
import { RealtimeHub } from './realtime/realtime-hub.ts';
import { realtimeRoutes } from './realtime/realtime.routes.ts';
import { createNotifier, type Notifier } from './notify/notifier.ts';
import { FileStore } from './files/file-store.ts';
import { fileRoutes } from './files/files.routes.ts';
import { moduleRoutes } from './modules/module-routes.ts';
import { devicesPlugin } from './modules/devices/devices.plugin.ts';
import { videoPlugin } from './modules/video/video.plugin.ts';
import { EventConfig } from './modules/events/config/event-config.ts';
import { ClusterBus } from './db/cluster-bus.ts';
import { GridIndex } from './modules/grids/grid-index.ts';

declare module 'fastify' {
  interface FastifyInstance {
    db: Kysely<DB>;
    database: Database;
    config: Config;
    /** Messages to the other API nodes on the same PostgreSQL database (none on PGlite). */
    bus: ClusterBus;
    auth: AuthService;
    realtime: RealtimeHub;
    /** Writes in-app notices inside a transaction and delivers them after the commit (SSE; SMS/voice plug in). */
    notices: Notifier;
    files: FileStore;
    /** Cached event-center configuration: calendar, phase limits, 立案条件, routing. */
    eventConfig: EventConfig;
    /** Point → unit grid / village / responsibility grid, in memory (other modules use it as a GridLocator). */
    grids: GridIndex;
  }
  interface FastifyRequest {
    actor: Actor | undefined;
    /** Set when the request wrote audit records; a successful write without one is a bug. */
    audited: boolean;
  }
  interface FastifyContextConfig {
    /** The permission code the route requires (`module:entity:action`). */
    permission?: string;
    /** No sign-in needed (login, health, public intake). */
    public?: boolean;
  }
}

export type App = FastifyInstance;

const webDist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');

export interface BuildOptions {
  config: Config;
  database: Database;
  logger?: boolean;
  /** Fail a successful write that left no audit record (on in tests). */
  strictAudit?: boolean;
  /** The clock for session timeouts and lockouts (tests move it). */
  now?: () => number;
  /** Told of every route as it is registered (tests check their coverage with it). */
  onRoute?: (route: { method: string | string[]; url: string }) => void;
}

export async function buildApp(options: BuildOptions) {
  const { config, database } = options;
  const app = Fastify({
    logger: options.logger === false ? false : { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    trustProxy: process.env.TRUST_PROXY === 'true',
    genReqId: () => crypto.randomUUID(),
    ajv: { customOptions: { removeAdditional: false } },
  }).withTypeProvider<TypeBoxTypeProvider>();
  app.setValidatorCompiler(TypeBoxValidatorCompiler);

  // Caches and live updates stay in step across API nodes sharing one PostgreSQL database.
  const bus = await ClusterBus.open(database, (message, error) => app.log.warn({ err: error }, message));
  app.addHook('onClose', () => bus.close());
  app.decorate('db', database.db);
  app.decorate('database', database);
  app.decorate('config', config);
  app.decorate('bus', bus);
  app.decorate('auth', new AuthService(new AuthRepository(database.db), config, options.now, bus));
  app.decorate('realtime', new RealtimeHub(bus));
  app.decorate('notices', createNotifier(app.log, app.realtime));
  app.decorate('files', new FileStore(path.join(config.dataDir, 'files')));
  app.decorate('eventConfig', new EventConfig(database.db, bus));
  app.decorate('grids', await GridIndex.load(database.db, bus));
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  app.decorateRequest('actor', undefined);
  app.decorateRequest('audited', false);

  app.setErrorHandler(problemHandler);
  app.setNotFoundHandler((request, reply) => {
    const isApi = request.url.startsWith('/api/');
    if (!isApi && request.method === 'GET' && fs.existsSync(path.join(webDist, 'index.html'))) {
      return reply.type('text/html').sendFile('index.html');
    }
    return problemHandler(new AppError('ROUTE_NOT_FOUND', 404), request, reply);
  });

  await app.register(cookie);
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) => {
      const error = new AppError('RATE_LIMITED', 429, { retryAfter: Math.ceil(context.ttl / 1000) });
      return error;
    },
  });
  await app.register(multipart, { limits: { fileSize: config.uploadMaxBytes, files: 1, fields: 10 } });
  await app.register(swagger, {
    openapi: {
      info: { title: 'Gongzhi 共治 API', version: '0.1.0', description: 'Errors are application/problem+json with a stable `code`.' },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: 'gz_session' },
          token: { type: 'http', scheme: 'bearer' },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  if (options.strictAudit) {
    app.addHook('onSend', async (request, reply, payload) => {
      const isWrite = !['GET', 'HEAD', 'OPTIONS'].includes(request.method);
      if (isWrite && reply.statusCode < 300 && !request.audited && request.url.startsWith('/api/')) {
        request.log.error({ url: request.url }, 'write route finished without an audit record');
        reply.code(500);
        return JSON.stringify({ code: 'INTERNAL', detail: `write without audit: ${request.method} ${request.routeOptions.url}` });
      }
      return payload;
    });
  }

  await app.register(authPlugin);
  app.get('/api/health', { config: { public: true }, schema: { hide: true } }, async () => ({ status: 'ok', database: database.kind }));
  await app.register(authRoutes);
  // The telemetry intake is app-wide: the server's MQTT intake and schedulers feed it too.
  await app.register(devicesPlugin);
  await app.register(videoPlugin);
  await app.register(moduleRoutes);
  await app.register(fileRoutes);
  await app.register(realtimeRoutes);

  if (fs.existsSync(webDist)) {
    // One route per built file (not a catch-all), so unknown paths reach the not-found handler of their
    // prefix: /open311 answers in its own error format, pages of the app fall back to index.html.
    // Rebuilding the web UI therefore needs a server restart.
    await app.register(fastifyStatic, { root: webDist, wildcard: false, index: ['index.html'] });
  }
  return app;
}
