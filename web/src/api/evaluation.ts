import { download, http, type Page } from './http';

/** Shapes of server/src/modules/evaluation/evaluation.schema.ts. */
export type EvaluationObject = 'area' | 'organization' | 'post';
export type Post = 'reporter' | 'dispatcher' | 'handler';
export const posts: readonly Post[] = ['reporter', 'dispatcher', 'handler'];

export interface Text {
  zh: string;
  en: string;
}

export interface IndicatorDefinition {
  code: string;
  kind: 'count' | 'rate' | 'average';
  name: Text;
  formula: Text;
  source: string;
  note: Text | null;
  basis: 'event' | 'callback' | null;
  numerator: { count: string; weight: number }[];
  denominator: string | null;
  over: string | null;
  unit: Text | null;
}

export interface EvaluationQuery {
  from: string;
  to: string;
  object: EvaluationObject;
  division?: string;
  post?: Post;
}

export type Values = Record<string, number | null>;

export interface EvaluationRow {
  key: string;
  name: string;
  note: 'own_level' | 'not_dispatched' | null;
  values: Values;
}

export interface EvaluationTable {
  period: { from: string; to: string };
  evaluatedAt: string;
  object: EvaluationObject;
  post: Post | null;
  division: { code: string; name: string };
  columns: string[];
  rows: EvaluationRow[];
  total: Values;
}

export interface EvaluationCase {
  id: number;
  code: string;
  title: string;
  categoryName: string | null;
  divisionCode: string;
  state: string;
  closeType: string | null;
  handlingUnitName: string | null;
  reportedAt: string;
  handleDeadline: string | null;
  handledAt: string | null;
  closedAt: string | null;
  callbackAt: string | null;
  satisfaction: string | null;
}

export interface CasesQuery extends EvaluationQuery {
  indicator: string;
  part?: 'numerator' | 'denominator';
  key?: string;
  page: number;
  pageSize: number;
}

export const evaluationApi = {
  indicators: () => http.get<{ items: IndicatorDefinition[] }>('/api/evaluation/indicators'),
  evaluate: (query: EvaluationQuery) => http.get<EvaluationTable>('/api/evaluation', { ...query }),
  cases: (query: CasesQuery) => http.get<Page<EvaluationCase>>('/api/evaluation/events', { ...query }),
  export: (query: EvaluationQuery) => download('/api/evaluation/export', { ...query }),
};
