import type { FastifyPluginAsync } from 'fastify';
import { categoryRoutes } from './categories.routes.ts';
import { calendarRoutes } from './calendar.routes.ts';
import { routingRuleRoutes } from './routing-rules.routes.ts';

/** /api/event-config: catalogue and 立结案标准, work calendar and settings, routing rules. */
export const eventConfigRoutes: FastifyPluginAsync = async (app) => {
  await app.register(categoryRoutes);
  await app.register(calendarRoutes);
  await app.register(routingRuleRoutes);
};
