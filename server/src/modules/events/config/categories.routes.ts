import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { IdParams, Page, PageQuery, StringEnum } from '../../../http/pagination.ts';
import { attachment, xlsxMime } from '../../../lib/xlsx-export.ts';
import { limitUnits } from '../work-calendar.ts';
import { createCategory, createStandard, exportStandards, importStandards, listCategories, listMajors, standardsTemplate, updateCategory, updateStandard } from './categories.service.ts';

const Kind = StringEnum(['component', 'event']);
const Unit = StringEnum(limitUnits);
const TwoDigits = Type.String({ pattern: '^[0-9]{2}$' });
const Condition = Type.String({ minLength: 1, maxLength: 500 });
// The unit decides what is valid (whole working days): the service checks the pair.
const LimitValue = Type.Number({ exclusiveMinimum: 0, maximum: 9999 });
const OrganizationRef = Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]);

const StandardView = Type.Object({
  id: Type.Integer(),
  categoryCode: Type.String(),
  registerCondition: Type.String(),
  closeCondition: Type.String(),
  limitValue: Type.Number(),
  limitUnit: Unit,
  defaultOrganizationId: Type.Union([Type.Integer(), Type.Null()]),
  defaultOrganizationName: Type.Union([Type.String(), Type.Null()]),
  sort: Type.Integer(),
  active: Type.Boolean(),
});
const CategoryView = Type.Object({
  code: Type.String(),
  kind: Kind,
  majorCode: Type.String(),
  majorName: Type.String(),
  minorCode: Type.String(),
  minorName: Type.String(),
  nameEn: Type.Union([Type.String(), Type.Null()]),
  isExtension: Type.Boolean(),
  active: Type.Boolean(),
  autoDispatch: Type.Boolean(),
  reminderAllowed: Type.Boolean(),
  publicReportable: Type.Boolean(),
  standards: Type.Array(StandardView),
});
const CategoryQuery = Type.Intersect([
  PageQuery,
  Type.Object({ kind: Type.Optional(Kind), majorCode: Type.Optional(TwoDigits), keyword: Type.Optional(Type.String({ maxLength: 64 })), active: Type.Optional(Type.Boolean()) }),
]);
const Flags = {
  autoDispatch: Type.Optional(Type.Boolean()),
  reminderAllowed: Type.Optional(Type.Boolean()),
  publicReportable: Type.Optional(Type.Boolean()),
};
const CreateCategoryBody = Type.Object(
  {
    kind: Kind,
    majorCode: TwoDigits,
    majorName: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    minorCode: TwoDigits,
    minorName: Type.String({ minLength: 1, maxLength: 64 }),
    nameEn: Type.Optional(Type.Union([Type.String({ maxLength: 128 }), Type.Null()])),
    ...Flags,
  },
  { additionalProperties: false },
);
const UpdateCategoryBody = Type.Object(
  {
    majorName: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    minorName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    nameEn: Type.Optional(Type.Union([Type.String({ maxLength: 128 }), Type.Null()])),
    active: Type.Optional(Type.Boolean()),
    ...Flags,
  },
  { additionalProperties: false, minProperties: 1 },
);
const CodeParams = Type.Object({ code: Type.String({ pattern: '^[CE][0-9]{4}$' }) });
const CreateStandardBody = Type.Object(
  { categoryCode: Type.String({ pattern: '^[CE][0-9]{4}$' }), registerCondition: Condition, closeCondition: Condition, limitValue: LimitValue, limitUnit: Unit, defaultOrganizationId: OrganizationRef },
  { additionalProperties: false },
);
const UpdateStandardBody = Type.Object(
  {
    registerCondition: Type.Optional(Condition),
    closeCondition: Type.Optional(Condition),
    limitValue: Type.Optional(LimitValue),
    limitUnit: Type.Optional(Unit),
    defaultOrganizationId: Type.Optional(OrganizationRef),
    active: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);
const ImportResult = Type.Object({
  rows: Type.Integer(),
  categoriesCreated: Type.Integer(),
  categoriesRenamed: Type.Integer(),
  standardsCreated: Type.Integer(),
  standardsUpdated: Type.Integer(),
  standardsUnchanged: Type.Integer(),
});


/** 部件/事件 categories and their 立结案标准 (register conditions with time limits). */
export const categoryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['event config: categories'];
  app.get('/api/event-config/categories', { config: { permission: 'event:category:read' }, schema: { tags, summary: 'Categories with their 立案条件', querystring: CategoryQuery, response: { 200: Page(CategoryView) } } }, (request) =>
    listCategories(request, request.query),
  );
  app.get(
    '/api/event-config/majors',
    { config: { permission: 'event:category:read' }, schema: { tags, summary: 'The 大类 of each kind', response: { 200: Type.Object({ items: Type.Array(Type.Object({ kind: Kind, majorCode: Type.String(), majorName: Type.String(), categories: Type.Integer() })) }) } } },
    (request) => listMajors(request),
  );
  app.post('/api/event-config/categories', { config: { permission: 'event:category:update' }, schema: { tags, summary: 'Create a local extension 小类 (minor code 50–98)', body: CreateCategoryBody, response: { 201: CategoryView } } }, async (request, reply) =>
    reply.code(201).send(await createCategory(request, request.body)),
  );
  app.patch('/api/event-config/categories/:code', { config: { permission: 'event:category:update' }, schema: { tags, summary: 'Rename, (de)activate or flag a category', params: CodeParams, body: UpdateCategoryBody, response: { 200: CategoryView } } }, (request) =>
    updateCategory(request, request.params.code, request.body),
  );
  app.post('/api/event-config/standards', { config: { permission: 'event:category:update' }, schema: { tags, summary: 'Add a 立案条件 to a category', body: CreateStandardBody, response: { 201: StandardView } } }, async (request, reply) =>
    reply.code(201).send(await createStandard(request, request.body)),
  );
  app.patch('/api/event-config/standards/:id', { config: { permission: 'event:category:update' }, schema: { tags, summary: 'Change or deactivate a 立案条件', params: IdParams, body: UpdateStandardBody, response: { 200: StandardView } } }, (request) =>
    updateStandard(request, request.params.id, request.body),
  );
  app.get('/api/event-config/standards/export', { config: { permission: 'event:category:export' }, schema: { tags, summary: 'The 立结案标准 table (XLSX)' } }, async (_request, reply) =>
    reply.type(xlsxMime).header('content-disposition', attachment('立结案标准.xlsx')).send(await exportStandards(_request)),
  );
  app.get('/api/event-config/standards/template', { config: { permission: 'event:category:read' }, schema: { tags, summary: 'An empty 立结案标准 table to fill in (XLSX)' } }, async (_request, reply) =>
    reply.type(xlsxMime).header('content-disposition', attachment('立结案标准模板.xlsx')).send(await standardsTemplate()),
  );
  app.post(
    '/api/event-config/standards/import',
    { config: { permission: 'event:category:import' }, schema: { tags, summary: 'Import a 立结案标准 table (XLSX or CSV, multipart field "file"); all rows or none', consumes: ['multipart/form-data'], response: { 200: ImportResult } } },
    (request) => importStandards(request),
  );
};
