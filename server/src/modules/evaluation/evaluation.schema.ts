import { Type, type Static, type TSchema } from 'typebox';
import { PageQuery, StringEnum } from '../../http/pagination.ts';
import { indicators, type IndicatorCode } from './indicators.ts';
import { evaluationObjects, posts } from './evaluation-objects.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Text = Type.Object({ zh: Type.String(), en: Type.String() });
const indicatorCodes = indicators.map((i) => i.code);


const evaluationQuery = {
  /** Local (Asia/Shanghai) dates; `to` is exclusive: a month is 2026-11-01 … 2026-12-01. */
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  object: StringEnum(evaluationObjects),
  /** The area evaluated (default: the caller's own division). */
  division: Type.Optional(Type.String({ pattern: '^[0-9]{6,14}$' })),
  /** With object=post: whose work (default reporter). */
  post: Type.Optional(StringEnum(posts)),
};
export const EvaluationQuery = Type.Object(evaluationQuery, { additionalProperties: false });
export type EvaluationQuery = Static<typeof EvaluationQuery>;

export const CasesQuery = Type.Object(
  {
    ...evaluationQuery,
    ...PageQuery.properties,
    indicator: StringEnum(indicatorCodes as IndicatorCode[]),
    /** Only for rates: which side of the fraction to list. */
    part: Type.Optional(StringEnum(['numerator', 'denominator'])),
    /** A row of the table (omitted: the total row). */
    key: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
  },
  { additionalProperties: false },
);
export type CasesQuery = Static<typeof CasesQuery>;

export const IndicatorList = Type.Object({
  items: Type.Array(
    Type.Object({
      code: Type.String(),
      kind: StringEnum(['count', 'rate', 'average']),
      name: Text,
      formula: Text,
      source: Type.String(),
      note: Nullable(Text),
      basis: Nullable(StringEnum(['event', 'callback'])),
      numerator: Type.Array(Type.Object({ count: Type.String(), weight: Type.Number() })),
      denominator: Nullable(Type.String()),
      over: Nullable(Type.String()),
      unit: Nullable(Text),
    }),
  ),
});

const Values = Type.Record(Type.String(), Nullable(Type.Number()));

export const EvaluationTable = Type.Object({
  period: Type.Object({ from: Type.String(), to: Type.String() }),
  evaluatedAt: Type.String(),
  object: StringEnum(evaluationObjects),
  post: Nullable(StringEnum(posts)),
  division: Type.Object({ code: Type.String(), name: Type.String() }),
  columns: Type.Array(Type.String()),
  rows: Type.Array(Type.Object({ key: Type.String(), name: Type.String(), note: Nullable(StringEnum(['own_level', 'not_dispatched'])), values: Values })),
  total: Values,
});

export const CasePage = Type.Object({
  items: Type.Array(
    Type.Object({
      id: Type.Integer(),
      code: Type.String(),
      title: Type.String(),
      categoryName: Nullable(Type.String()),
      divisionCode: Type.String(),
      state: Type.String(),
      closeType: Nullable(Type.String()),
      handlingUnitName: Nullable(Type.String()),
      reportedAt: Type.String(),
      handleDeadline: Nullable(Type.String()),
      handledAt: Nullable(Type.String()),
      closedAt: Nullable(Type.String()),
      callbackAt: Nullable(Type.String()),
      satisfaction: Nullable(Type.String()),
    }),
  ),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
});
