import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { IdParams, Page } from '../../http/pagination.ts';
import {
  BoundaryCollection,
  BoundaryQuery,
  CodeParams,
  CreateResponsibilityGridBody,
  HistoryPage,
  HistoryQuery,
  ImportQuery,
  ImportResult,
  LocateQuery,
  LocateView,
  ResponsibilityGridQuery,
  ResponsibilityGridView,
  ShapeSummary,
  UpdateBoundaryBody,
  UpdateResponsibilityGridBody,
} from './grids.schema.ts';
import { importBoundaries, listBoundaries, listHistory, locatePoint, updateBoundary } from './boundaries.service.ts';
import { createResponsibilityGrid, getResponsibilityGrid, listResponsibilityGrids, updateResponsibilityGrid } from './responsibility-grids.service.ts';
import { readUpload } from '../../files/upload.ts';

/**
 * Map API: outlines as GeoJSON (always WGS84, `crs: 'EPSG:4326'`), point lookup, boundary import and
 * history, responsibility grids. Everything is limited to the caller's division subtree.
 */
export const gridRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['map: grids'];
  app.get(
    '/api/map/boundaries',
    { config: { permission: 'map:grid:read' }, schema: { tags, summary: 'Town, village or unit-grid outlines in my scope, as a GeoJSON FeatureCollection', querystring: BoundaryQuery, response: { 200: BoundaryCollection } } },
    (request) => listBoundaries(request, request.query),
  );
  app.put(
    '/api/map/boundaries/:code',
    {
      config: { permission: 'map:grid:update' },
      schema: { tags, summary: 'Redraw one outline (checked for validity and overlaps; kept in the history)', params: CodeParams, body: UpdateBoundaryBody, response: { 200: ShapeSummary } },
    },
    (request) => updateBoundary(request, request.params.code, request.body),
  );
  app.get(
    '/api/map/locate',
    { config: { permission: 'map:grid:read' }, schema: { tags, summary: 'The unit grid, village and responsibility grid at a point (404 OUTSIDE_ALL_GRIDS outside them)', querystring: LocateQuery, response: { 200: LocateView } } },
    (request) => locatePoint(request, request.query),
  );
  app.post(
    '/api/map/imports',
    {
      config: { permission: 'map:grid:import' },
      schema: {
        tags,
        summary: 'Replace outlines from a GeoJSON FeatureCollection or zipped shapefile (multipart field "file"); all or nothing',
        consumes: ['multipart/form-data'],
        querystring: ImportQuery,
        response: { 200: ImportResult },
      },
    },
    async (request) => {
      const { bytes, filename } = await readUpload(request);
      return importBoundaries(request, { bytes, name: filename }, request.query);
    },
  );
  app.get(
    '/api/map/boundary-history',
    { config: { permission: 'map:grid:read' }, schema: { tags, summary: 'Every outline change in my scope, newest first', querystring: HistoryQuery, response: { 200: HistoryPage } } },
    (request) => listHistory(request, request.query),
  );

  const rgTags = ['map: responsibility grids'];
  app.get(
    '/api/map/responsibility-grids',
    { config: { permission: 'map:responsibility-grid:read' }, schema: { tags: rgTags, summary: 'Responsibility grids in my scope', querystring: ResponsibilityGridQuery, response: { 200: Page(ResponsibilityGridView) } } },
    (request) => listResponsibilityGrids(request, request.query),
  );
  app.get(
    '/api/map/responsibility-grids/:id',
    { config: { permission: 'map:responsibility-grid:read' }, schema: { tags: rgTags, summary: 'One responsibility grid', params: IdParams, response: { 200: ResponsibilityGridView } } },
    (request) => getResponsibilityGrid(request, request.params.id),
  );
  app.post(
    '/api/map/responsibility-grids',
    {
      config: { permission: 'map:responsibility-grid:create' },
      schema: { tags: rgTags, summary: 'Bundle unit grids of a village under a primary and a backup grid worker', body: CreateResponsibilityGridBody, response: { 201: ResponsibilityGridView } },
    },
    async (request, reply) => reply.code(201).send(await createResponsibilityGrid(request, request.body)),
  );
  app.patch(
    '/api/map/responsibility-grids/:id',
    {
      config: { permission: 'map:responsibility-grid:update' },
      schema: { tags: rgTags, summary: 'Rename, rebind unit grids or change the workers', params: IdParams, body: UpdateResponsibilityGridBody, response: { 200: ResponsibilityGridView } },
    },
    (request) => updateResponsibilityGrid(request, request.params.id, request.body),
  );
};
