import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { attachment, xlsxMime } from '../../lib/xlsx-export.ts';
import { actorOf } from '../../auth/auth.plugin.ts';
import { CasePage, CasesQuery, EvaluationQuery, EvaluationTable, IndicatorList } from './evaluation.schema.ts';
import { evaluate, evaluationCases } from './evaluation.service.ts';
import { evaluationXlsx } from './evaluation-export.ts';
import { indicatorList } from './evaluation-doc.ts';

/** 综合评价: indicator definitions, the evaluation table, the cases behind each number, XLSX export. */
export const evaluationRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const tags = ['evaluation'];
  const config = { permission: 'event:evaluation:read' };

  app.get('/api/evaluation/indicators', { config, schema: { tags, summary: 'The indicators: names, formulas and their sources', response: { 200: IndicatorList } } }, () => ({ items: indicatorList() }));

  app.get(
    '/api/evaluation',
    { config, schema: { tags, summary: 'Evaluate a period [from, to) by area (sub-areas), organisation (handling units) or post (people), within my scope', querystring: EvaluationQuery, response: { 200: EvaluationTable } } },
    (request) => evaluate(request, request.query),
  );

  app.get(
    '/api/evaluation/events',
    {
      config,
      schema: { tags, summary: 'The cases behind one number of the evaluation (a count; a rate with part=numerator|denominator; an average); total = that number', querystring: CasesQuery, response: { 200: CasePage } },
    },
    (request) => evaluationCases(request, request.query),
  );

  app.get('/api/evaluation/export', { config, schema: { tags, summary: 'The evaluation table as XLSX', querystring: EvaluationQuery } }, async (request, reply) => {
    const table = await evaluate(request, request.query);
    const { name, body } = await evaluationXlsx(table, actorOf(request).locale);
    return reply.type(xlsxMime).header('content-disposition', attachment(name)).send(body);
  });
};
