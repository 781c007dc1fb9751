import type { FastifyPluginAsync } from 'fastify';
import { systemRoutes } from './system/system.routes.ts';
import { eventConfigRoutes } from './events/config/config.routes.ts';
import { gridRoutes } from './grids/grids.routes.ts';
import { eventRoutes } from './events/events.routes.ts';
import { privacyPlugin } from '../privacy/privacy.plugin.ts';
import { registryRoutes } from './registry/registry.routes.ts';
import { open311ConfigRoutes } from './open311/config.routes.ts';
import { open311Routes } from './open311/open311.routes.ts';
import { dashboardRoutes } from './dashboard/dashboard.routes.ts';
import { noticeRoutes } from '../notify/notify.routes.ts';
import { supervisionRoutes } from './supervision/supervision.routes.ts';
import { deviceRoutes } from './devices/devices.routes.ts';
import { outreachRoutes } from './outreach/outreach.routes.ts';
import { evaluationRoutes } from './evaluation/evaluation.routes.ts';
import { videoRoutes } from './video/video.routes.ts';

/** The API of every domain module, registered by the app in this order. */
export const moduleRoutes: FastifyPluginAsync = async (app) => {
  // The field cipher first: every module may encrypt personal data.
  await app.register(privacyPlugin);
  await app.register(systemRoutes);
  await app.register(eventConfigRoutes);
  await app.register(gridRoutes);
  await app.register(eventRoutes);
  await app.register(registryRoutes);
  await app.register(open311ConfigRoutes);
  // Its own error format, 404s and form parsing, kept inside its prefix.
  await app.register(open311Routes, { prefix: '/open311' });
  await app.register(dashboardRoutes);
  await app.register(supervisionRoutes);
  await app.register(noticeRoutes);
  await app.register(deviceRoutes);
  await app.register(outreachRoutes);
  await app.register(evaluationRoutes);
  await app.register(videoRoutes);
};
