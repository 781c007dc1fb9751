import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, Page } from '../../http/pagination.ts';
import { attachment, xlsxMime } from '../../lib/xlsx-export.ts';
import type { RecordKind } from './record-kind.ts';
import { recordKinds } from './kinds/index.ts';
import { createBodySchema, updateBodySchema, viewSchema } from './fields.ts';
import { ImportQuery, ImportReport, ListQuery, NearestQuery, NearestResult, PointCollection, RecordFilterQuery, RevealBody, RevealResult, StatsQuery, StatsResult, WithinQuery } from './registry.schema.ts';
import { areaCounts, createRecord, getRecord, listRecords, loadDictionaries, nearestRecords, pointsWithin, revealField, updateRecord } from './registry.service.ts';
import { answerImport, importRecords } from './import/import.service.ts';
import { exportRecords, importTemplate } from './export.ts';
import { readUpload } from '../../files/upload.ts';


/** The same routes for every record kind, under /api/registry/<path>. */
const kindRoutes = (kind: RecordKind): FastifyPluginAsyncTypebox => async (app) => {
  const base = `/api/registry/${kind.path}`;
  const tags = [`registry: ${kind.path}`];
  const can = (action: string) => ({ permission: `registry:${kind.entity}:${action}` });
  const View = viewSchema(kind, kind.viewExtras ?? {});
  const CreateBody = createBodySchema(kind);
  const UpdateBody = updateBodySchema(kind);

  app.get(base, { config: can('read'), schema: { tags, summary: `${kind.label.en} in my scope (filters, page)`, querystring: ListQuery, response: { 200: Page(View) } } }, (request) =>
    listRecords(request, kind, request.query),
  );
  app.get(`${base}/within`, { config: can('read'), schema: { tags, summary: `${kind.label.en} inside a bbox or polygon, as a GeoJSON map layer (no personal data)`, querystring: WithinQuery, response: { 200: PointCollection } } }, (request) =>
    pointsWithin(request, kind, request.query),
  );
  app.get(`${base}/nearest`, { config: can('read'), schema: { tags, summary: `The ${kind.label.en.toLowerCase()} nearest to a point`, querystring: NearestQuery, response: { 200: NearestResult } } }, (request) =>
    nearestRecords(request, kind, request.query),
  );
  app.get(`${base}/export`, { config: can('export'), schema: { tags, summary: 'The filtered list as XLSX (personal data masked)', querystring: RecordFilterQuery } }, async (request, reply) =>
    reply.type(xlsxMime).header('content-disposition', attachment(`${kind.label.zh}-${Date.now()}.xlsx`)).send(await exportRecords(request, kind, request.query)),
  );
  app.get(`${base}/import-template`, { config: can('import'), schema: { tags, summary: 'The XLSX import template (Chinese headers, notes sheet)' } }, async (_request, reply) =>
    reply.type(xlsxMime).header('content-disposition', attachment(`${kind.label.zh}导入模板.xlsx`)).send(await importTemplate(kind, await loadDictionaries(app.db))),
  );
  app.post(
    `${base}/import`,
    {
      config: can('import'),
      schema: { tags, summary: 'Import an XLSX or CSV file (multipart field "file"); re-importing updates by natural key', consumes: ['multipart/form-data'], querystring: ImportQuery, response: { 200: ImportReport, 422: Type.Unknown({ description: 'problem+json IMPORT_ROWS_REJECTED with the row report; nothing was written' }) } },
    },
    async (request, reply) => {
      const file = await readUpload(request, { maxBytes: app.config.importMaxBytes, allowEmpty: true });
      return answerImport(request, reply, () => importRecords(request, kind, file, request.query));
    },
  );
  app.get(`${base}/:id`, { config: can('read'), schema: { tags, summary: 'One record (personal data masked)', params: IdParams, response: { 200: View } } }, (request) =>
    getRecord(request, kind, request.params.id),
  );
  app.post(base, { config: can('create'), schema: { tags, summary: 'Create a record; it is located in its unit grid', body: CreateBody, response: { 201: View } } }, async (request, reply) =>
    reply.code(201).send(await createRecord(request, kind, request.body as Record<string, unknown>)),
  );
  app.patch(`${base}/:id`, { config: can('update'), schema: { tags, summary: 'Change a record', params: IdParams, body: UpdateBody, response: { 200: View } } }, (request) =>
    updateRecord(request, kind, request.params.id, request.body as Record<string, unknown>),
  );
  if (kind.fields.some((f) => f.personal)) {
    app.post(
      `${base}/:id/reveal`,
      { config: { permission: 'registry:personal-data:reveal' }, schema: { tags, summary: 'The full ID number or phone (audited, limited per day)', params: IdParams, body: RevealBody, response: { 200: RevealResult } } },
      async (request, reply) => reply.header('cache-control', 'no-store').send(await revealField(request, kind, request.params.id, request.body.field)),
    );
  }
};

/** The base registry (人、房、企、事、物): records, map layers, statistics, import and export. */
export const registryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  for (const kind of recordKinds) await app.register(kindRoutes(kind));
  app.get(
    '/api/registry/stats',
    { config: { permission: 'registry:stats:read' }, schema: { tags: ['registry'], summary: 'Records of each kind per town, village or grid in my scope', querystring: StatsQuery, response: { 200: StatsResult } } },
    (request) => areaCounts(request, request.query),
  );
  app.get('/api/registry/kinds', { schema: { tags: ['registry'], summary: 'The record kinds and their fields (for forms and column mapping)', response: { 200: Type.Object({ items: Type.Array(Type.Unknown()) }) } } }, () => ({
    items: recordKinds.map((k) => ({ entity: k.entity, path: k.path, label: k.label, fields: k.fields })),
  }));
};
