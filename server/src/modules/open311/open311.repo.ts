import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { divisionPrefix } from '../../auth/scope-filter.ts';
import type { Open311AttributeTable, Open311RequestTable } from './open311.tables.ts';
import type { AttributeDefinition } from './attributes.ts';

type Db = Kysely<DB> | Transaction<DB>;

/** Workflow states that are `closed` in Open311: finished (结案) or refused / cancelled (不予立案, 作废). */
export const closedStates = ['closed', 'cancelled'] as const;


export type AttributeRow = Awaited<ReturnType<typeof open311Repo.attributes>>[number];

export const toDefinition = (row: AttributeRow): AttributeDefinition => ({
  code: row.code,
  variable: row.variable,
  datatype: row.datatype,
  required: row.required,
  datatypeDescription: row.datatype_description,
  order: row.sort,
  description: row.description,
  descriptionEn: row.description_en,
  values: row.options,
});

export interface RequestFilter {
  /** Prefix of the events' division: the api_key's area, '' for everyone. */
  divisionCode: string;
  /** service_request_id: when given, every other filter is ignored. */
  codes?: string[];
  serviceCodes?: string[];
  from?: Date;
  to?: Date;
  status?: 'open' | 'closed';
  limit: number;
  offset: number;
}

export const open311Repo = {
  /** Categories that have at least one attribute (their services carry `metadata: true`). */
  async categoriesWithAttributes(db: Db): Promise<Set<string>> {
    const rows = await db.selectFrom('open311_attribute').select('category_code').distinct().execute();
    return new Set(rows.map((r) => r.category_code));
  },

  /** An active category open to residents, i.e. an Open311 service. */
  service: (db: Db, code: string) =>
    db
      .selectFrom('event_category')
      .select(['code', 'kind', 'major_name', 'minor_name', 'name_en'])
      .where('code', '=', code)
      .where('active', '=', true)
      .where('public_reportable', '=', true)
      .executeTakeFirst(),

  category: (db: Db, code: string) => db.selectFrom('event_category').select(['code']).where('code', '=', code).executeTakeFirst(),

  attributes: (db: Db, categoryCode: string) => db.selectFrom('open311_attribute').selectAll().where('category_code', '=', categoryCode).orderBy('sort').execute(),

  attribute: (db: Db, id: number) => db.selectFrom('open311_attribute').selectAll().where('id', '=', id).executeTakeFirst(),

  /** Another attribute of the category holding this code or order. */
  clash: (db: Db, categoryCode: string, field: 'code' | 'sort', value: string | number, exceptId: number | null) => {
    let q = db.selectFrom('open311_attribute').select(['id', 'code']).where('category_code', '=', categoryCode).where(field, '=', value);
    if (exceptId !== null) q = q.where('id', '<>', exceptId);
    return q.executeTakeFirst();
  },

  insertAttribute: (db: Db, row: Insertable<Open311AttributeTable>) => db.insertInto('open311_attribute').values(row).returningAll().executeTakeFirstOrThrow(),

  updateAttribute: (db: Db, id: number, patch: Partial<Insertable<Open311AttributeTable>>) =>
    db.updateTable('open311_attribute').set({ ...patch, updated_at: sql`now()` }).where('id', '=', id).returningAll().executeTakeFirstOrThrow(),

  deleteAttribute: (db: Db, id: number) => db.deleteFrom('open311_attribute').where('id', '=', id).execute(),

  insertRequest: (db: Db, row: Insertable<Open311RequestTable>) => db.insertInto('open311_request').values(row).execute(),

  /**
   * Events as Open311 service requests, newest first: only events with a category (a service code),
   * with the public fields and nothing about the reporter.
   */
  requests(db: Db, filter: RequestFilter) {
    let q = db
      .selectFrom('event as e')
      .innerJoin('event_category as c', 'c.code', 'e.category_code')
      .leftJoin('organization as o', 'o.id', 'e.handling_unit_id')
      .leftJoin('open311_request as r', 'r.event_id', 'e.id')
      .select([
        'e.id',
        'e.code',
        'e.state',
        'e.category_code',
        'c.minor_name',
        'c.name_en',
        'e.description',
        'o.name as agency',
        'e.reported_at',
        'e.updated_at',
        'e.closed_at',
        'e.handle_deadline',
        'e.address',
        'e.lat',
        'e.lng',
        'r.media_url',
      ]);
    if (filter.divisionCode) q = q.where(divisionPrefix('e.division_code', filter.divisionCode));
    if (filter.codes) q = q.where('e.code', 'in', filter.codes);
    else {
      if (filter.serviceCodes) q = q.where('e.category_code', 'in', filter.serviceCodes);
      if (filter.from) q = q.where('e.reported_at', '>=', filter.from);
      if (filter.to) q = q.where('e.reported_at', '<=', filter.to);
      if (filter.status === 'closed') q = q.where('e.state', 'in', closedStates);
      if (filter.status === 'open') q = q.where('e.state', 'not in', closedStates);
    }
    return q.orderBy('e.reported_at', 'desc').orderBy('e.id', 'desc').limit(filter.limit).offset(filter.offset).execute();
  },
};

export type RequestRow = Awaited<ReturnType<typeof open311Repo.requests>>[number];
