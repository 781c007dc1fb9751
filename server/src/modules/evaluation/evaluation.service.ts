import type { FastifyRequest } from 'fastify';
import { sql, type SqlBool } from 'kysely';
import { actorOf } from '../../auth/auth.plugin.ts';
import { divisionInScope } from '../../auth/actor.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { pageWindow } from '../../http/pagination.ts';
import { emptyTotals, evaluationRepo, type Cohort, type Grouping, type RowTotals, type Selection } from './evaluation.repo.ts';
import { averages, counts, countDefinition, indicator, rates, rateValue, type IndicatorCode } from './indicators.ts';
import { periodOf } from './period.ts';
import { columnsOf, type EvaluationObject, type Post } from './evaluation-objects.ts';
import type { CasesQuery, EvaluationQuery } from './evaluation.schema.ts';

/** A row: a sub-area, a unit or a person. `note` marks the rows that are not one of those. */
export interface EvaluationRow {
  key: string;
  name: string;
  note: 'own_level' | 'not_dispatched' | null;
  values: Record<IndicatorCode, number | null>;
}

/** The object's rows, their keys and how a key reads in SQL. */
interface Frame {
  grouping: Grouping;
  /** Rows shown even with nothing to count (the sub-areas of an area). */
  fixedRows: { key: string; name: string }[];
  /** Checks a row key given to the drill-down. */
  validKey: (key: string) => boolean;
  label: (keys: string[]) => Promise<Map<string, { name: string; note: EvaluationRow['note'] }>>;
}

/** The period, area and rows an evaluation request asks for, checked against the actor's scope. */
async function prepare(request: FastifyRequest, query: EvaluationQuery) {
  const actor = actorOf(request);
  const db = request.server.db;
  const period = periodOf(query.from, query.to);
  const divisionCode = query.division ?? actor.divisionCode;
  // An area outside the scope answers like one that does not exist.
  const [division] = divisionInScope(actor.scope, divisionCode) ? await evaluationRepo.divisions(db, [divisionCode]) : [];
  if (!division) throw notFound();
  const post = query.post ?? 'reporter';
  const frame = await frameOf(request, query.object, post, division);
  const cohort: Cohort = { period, divisionCode, grouping: frame.grouping, scope: actor.scope, ctx: { now: new Date() } };
  const columns = columnsOf[query.object === 'post' ? post : query.object];
  return { period, division, post, frame, cohort, columns };
}

async function frameOf(request: FastifyRequest, object: EvaluationObject, post: Post, division: { code: string; name: string }): Promise<Frame> {
  const db = request.server.db;
  if (object === 'area') {
    // town → villages → grids: rows are the sub-areas, i.e. division codes cut at their length.
    const children = await evaluationRepo.children(db, division.code);
    const length = children[0]?.code.length ?? division.code.length;
    const fixedRows = children.length ? children.map((c) => ({ key: c.code, name: c.name })) : [{ key: division.code, name: division.name }];
    return {
      grouping: { eventKey: sql`substr(e.division_code, 1, ${length})`, callbackKey: sql`substr(c.division_code, 1, ${length})` },
      fixedRows,
      validKey: (key) => key === division.code || (key.startsWith(division.code) && key.length === length),
      // Cases placed on the area itself (a report outside every grid waits at the town) get a row of their own.
      label: async (keys) => new Map(keys.map((key) => [key, key === division.code ? { name: division.name, note: 'own_level' } : { name: key, note: null }])),
    };
  }
  if (object === 'organization') {
    return {
      grouping: { eventKey: sql`coalesce(e.handling_unit_id::text, 'none')`, callbackKey: sql`coalesce(c.handling_unit_id::text, 'none')` },
      fixedRows: [],
      validKey: (key) => /^(none|\d{1,9})$/.test(key),
      label: async (keys) => {
        const units = await evaluationRepo.organizations(db, keys.filter((k) => k !== 'none').map(Number));
        const names = new Map(units.map((u) => [String(u.id), u.name]));
        return new Map(keys.map((key) => [key, key === 'none' ? { name: '', note: 'not_dispatched' } : { name: names.get(key) ?? key, note: null }]));
      },
    };
  }
  const personColumn = { reporter: sql<string | null>`e.reporter_user_id::text`, dispatcher: sql<string | null>`s.first_dispatched_by::text`, handler: sql<string | null>`s.handled_by::text` }[post];
  return {
    grouping: { eventKey: personColumn, callbackKey: null },
    fixedRows: [],
    validKey: (key) => /^\d{1,9}$/.test(key),
    label: async (keys) => {
      const users = await evaluationRepo.users(db, keys.map(Number));
      const names = new Map(users.map((u) => [String(u.id), `${u.display_name}（${u.username}）`]));
      return new Map(keys.map((key) => [key, { name: names.get(key) ?? key, note: null }]));
    },
  };
}

/** Counts as they are; rates from their counts; averages as summed hours over their cases (one decimal). */
function valuesOf(totals: RowTotals): Record<IndicatorCode, number | null> {
  const values: Record<string, number | null> = { ...totals.counts };
  for (const rate of rates) values[rate.code] = rateValue(rate, totals.counts);
  for (const average of averages) {
    const cases = totals.counts[average.over];
    values[average.code] = cases === 0 ? null : Math.round((totals.hours[average.code]! / cases) * 10) / 10;
  }
  return values as Record<IndicatorCode, number | null>;
}

function sum(rows: RowTotals[]): RowTotals {
  const total = emptyTotals();
  for (const row of rows) {
    for (const c of counts) total.counts[c.code] += row.counts[c.code];
    for (const a of averages) total.hours[a.code]! += row.hours[a.code]!;
  }
  return total;
}

/** The evaluation table: one row per sub-area, unit or person, and the total over them. */
export async function evaluate(request: FastifyRequest, query: EvaluationQuery) {
  const { period, division, post, frame, cohort, columns } = await prepare(request, query);
  const totals = await evaluationRepo.totals(request.server.db, cohort);
  const fixedKeys = new Set(frame.fixedRows.map((r) => r.key));
  const extraKeys = [...totals.keys()].filter((key) => !fixedKeys.has(key));
  const labels = await frame.label(extraKeys);
  const rows: EvaluationRow[] = [
    ...frame.fixedRows.map((r) => ({ key: r.key, name: r.name, note: null, values: valuesOf(totals.get(r.key) ?? emptyTotals()) })),
    ...extraKeys
      .map((key) => ({ key, ...labels.get(key)!, values: valuesOf(totals.get(key)!) }))
      // Units and people by name; the rows that are not one of them last.
      .sort((a, b) => Number(a.note !== null) - Number(b.note !== null) || a.name.localeCompare(b.name, 'zh-CN')),
  ];
  return {
    period: { from: period.from, to: period.to },
    evaluatedAt: cohort.ctx.now.toISOString(),
    object: query.object,
    post: query.object === 'post' ? post : null,
    division: { code: division.code, name: division.name },
    columns: [...columns],
    rows,
    total: valuesOf(sum([...totals.values()])),
  };
}

/** The counts whose cases a drill-down lists: a count itself, a rate's numerator or denominator, an average's cases. */
function selectionOf(code: CasesQuery['indicator'], part: CasesQuery['part']): Selection {
  const definition = indicator(code)!;
  if (definition.kind !== 'rate' && part) throw new AppError('EVALUATION_PART_NOT_ALLOWED', 400, { indicator: code }, [{ field: '/querystring/part', code: 'EVALUATION_PART_NOT_ALLOWED', params: { indicator: code } }]);
  if (definition.kind === 'count') return definition;
  if (definition.kind === 'average') return countDefinition(definition.over);
  if (!part) throw new AppError('EVALUATION_PART_REQUIRED', 400, { indicator: code }, [{ field: '/querystring/part', code: 'EVALUATION_PART_REQUIRED', params: { indicator: code } }]);
  if (part === 'denominator') return countDefinition(definition.denominator);
  // A weighted numerator (满意率) lists the cases of each of its counts: satisfied and basically satisfied.
  const parts = definition.numerator.map((t) => countDefinition(t.count));
  return { basis: parts[0]!.basis, where: (ctx) => sql<SqlBool>`(${sql.join(parts.map((p) => p.where(ctx)), sql` OR `)})` };
}

/** The exact list of cases behind one number of the table: its total is that number. */
export async function evaluationCases(request: FastifyRequest, query: CasesQuery) {
  const selection = selectionOf(query.indicator, query.part);
  const { frame, cohort } = await prepare(request, query);
  if (query.key !== undefined && !frame.validKey(query.key)) {
    throw new AppError('EVALUATION_ROW_UNKNOWN', 400, { key: query.key }, [{ field: '/querystring/key', code: 'EVALUATION_ROW_UNKNOWN', params: { key: query.key } }]);
  }
  const window = pageWindow(query);
  // People are not called back: a post has no callback rows.
  const page = selection.basis === 'callback' && !cohort.grouping.callbackKey ? { total: 0, items: [] } : await evaluationRepo.cases(request.server.db, cohort, selection, query.key, window);
  return {
    items: page.items.map((r) => ({
      id: r.id,
      code: r.code,
      title: r.title,
      categoryName: r.category_name,
      divisionCode: r.division_code,
      state: r.state,
      closeType: r.close_type,
      handlingUnitName: r.handling_unit_name,
      reportedAt: r.reported_at.toISOString(),
      handleDeadline: r.handle_deadline?.toISOString() ?? null,
      handledAt: r.handle_finished_at?.toISOString() ?? null,
      closedAt: r.closed_at?.toISOString() ?? null,
      callbackAt: r.callback_at?.toISOString() ?? null,
      satisfaction: r.satisfaction,
    })),
    total: page.total,
    page: window.page,
    pageSize: window.pageSize,
  };
}
