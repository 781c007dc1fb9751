import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DashboardParams, Feed, FeedQuery, Snapshot, SnapshotQuery } from './dashboard.schema.ts';
import { dashboardFeed, dashboardSnapshot } from './dashboard.service.ts';

/** The command-room dashboard (大屏): read-only figures of one division in the caller's scope. */
export const dashboardRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['dashboard'];
  const config = { permission: 'event:dashboard:read' };
  app.get(
    '/api/dashboard/:code',
    {
      config,
      schema: {
        tags,
        summary: "One division's situation: today's funnel, open / overdue / supervised counts and lists, category and area rankings, heatmap, newest events",
        params: DashboardParams,
        querystring: SnapshotQuery,
        response: { 200: Snapshot },
      },
    },
    (request) => dashboardSnapshot(request, request.params.code, request.query),
  );
  app.get(
    '/api/dashboard/:code/feed',
    { config, schema: { tags, summary: 'The newest events of a division (the live feed reloads it when the stream announces a report)', params: DashboardParams, querystring: FeedQuery, response: { 200: Feed } } },
    (request) => dashboardFeed(request, request.params.code, request.query),
  );
};
