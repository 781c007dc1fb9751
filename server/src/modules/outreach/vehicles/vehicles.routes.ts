import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, Page } from '../../../http/pagination.ts';
import { attachment, xlsxMime } from '../../../lib/xlsx-export.ts';
import { readUpload } from '../../../files/upload.ts';
import { importTemplate } from '../../registry/export.ts';
import { answerImport } from '../../registry/import/import.service.ts';
import { ImportReport, RevealResult } from '../../registry/registry.schema.ts';
import { vehicleSheet, vehicleSheetHints } from './vehicle-sheet.ts';
import { importVehicles } from './vehicle-import.ts';
import { createVehicle, deleteVehicle, exportVehicles, getVehicle, listVehicles, revealVehiclePhone, updateVehicle } from './vehicles.service.ts';
import { VehicleBody, VehicleFilterQuery, VehicleImportQuery, VehicleQuery, VehicleUpdate, VehicleView } from './vehicles.schema.ts';

/** The plate registry (车辆登记) under /api/outreach/vehicles. */
export const vehicleRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['outreach: vehicles'];
  const base = '/api/outreach/vehicles';
  const can = (action: 'read' | 'update' | 'import' | 'export') => ({ permission: `outreach:vehicle:${action}` });

  app.get(base, { config: can('read'), schema: { tags, summary: 'Vehicles and their owners (phones masked)', querystring: VehicleQuery, response: { 200: Page(VehicleView) } } }, (request) => listVehicles(request, request.query));
  app.get(`${base}/export`, { config: can('export'), schema: { tags, summary: 'The filtered list as XLSX (phones masked)', querystring: VehicleFilterQuery } }, async (request, reply) =>
    reply.type(xlsxMime).header('content-disposition', attachment(`${vehicleSheet.label.zh}-${Date.now()}.xlsx`)).send(await exportVehicles(request, request.query)),
  );
  app.get(`${base}/import-template`, { config: can('import'), schema: { tags, summary: 'The XLSX import template (Chinese headers, notes sheet)' } }, async (_request, reply) =>
    reply.type(xlsxMime).header('content-disposition', attachment(`${vehicleSheet.label.zh}导入模板.xlsx`)).send(await importTemplate(vehicleSheet, new Map(), vehicleSheetHints)),
  );
  app.post(
    `${base}/import`,
    {
      config: can('import'),
      schema: { tags, summary: 'Import an XLSX or CSV file (multipart field "file"); re-importing updates by plate', consumes: ['multipart/form-data'], querystring: VehicleImportQuery, response: { 200: ImportReport, 422: Type.Unknown({ description: 'problem+json IMPORT_ROWS_REJECTED with the row report; nothing was written' }) } },
    },
    async (request, reply) => {
      const file = await readUpload(request, { maxBytes: app.config.importMaxBytes, allowEmpty: true });
      return answerImport(request, reply, () => importVehicles(request, file, request.query));
    },
  );
  app.get(`${base}/:id`, { config: can('read'), schema: { tags, summary: 'One vehicle (phone masked)', params: IdParams, response: { 200: VehicleView } } }, (request) => getVehicle(request, request.params.id));
  app.post(base, { config: can('update'), schema: { tags, summary: 'Register a vehicle and its owner', body: VehicleBody, response: { 201: VehicleView } } }, async (request, reply) =>
    reply.code(201).send(await createVehicle(request, request.body)),
  );
  app.patch(`${base}/:id`, { config: can('update'), schema: { tags, summary: 'Change a vehicle (an absent phone is kept)', params: IdParams, body: VehicleUpdate, response: { 200: VehicleView } } }, (request) =>
    updateVehicle(request, request.params.id, request.body),
  );
  app.delete(`${base}/:id`, { config: can('update'), schema: { tags, summary: 'Remove a vehicle', params: IdParams } }, async (request, reply) => {
    await deleteVehicle(request, request.params.id);
    return reply.code(204).send();
  });
  app.post(
    `${base}/:id/reveal`,
    { config: { permission: 'registry:personal-data:reveal' }, schema: { tags, summary: "The owner's full phone (audited, limited per day)", params: IdParams, response: { 200: RevealResult } } },
    async (request, reply) => reply.header('cache-control', 'no-store').send(await revealVehiclePhone(request, request.params.id)),
  );
};
