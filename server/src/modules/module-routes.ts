import type { FastifyPluginAsync } from 'fastify';
import { systemRoutes } from './system/system.routes.ts';
import { eventConfigRoutes } from './events/config/config.routes.ts';
import { gridRoutes } from './grids/grids.routes.ts';
import { eventRoutes } from './events/events.routes.ts';
import { privacyPlugin } from '../privacy/privacy.plugin.ts';
import { registryRoutes } from './registry/registry.routes.ts';
import { deviceRoutes } from './devices/devices.routes.ts';
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
  await app.register(deviceRoutes);
  await app.register(videoRoutes);
};
