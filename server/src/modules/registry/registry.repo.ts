import { sql, type Expression, type Kysely, type SelectQueryBuilder, type SqlBool, type Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { DataScope } from '../../auth/actor.ts';
import { divisionPrefix, scopeCondition, withinScope } from '../../auth/scope-filter.ts';
import { distanceMetres, nearest, withinBBox, withinPolygon } from '../../gis/spatial-sql.ts';
import type { LngLat } from '../../gis/coordinates.ts';
import type { AreaGeometry, BBox } from '../../gis/polygon.ts';
import type { Entity, RecordKind } from './record-kind.ts';
import type { RegistryTableName } from './registry.tables.ts';

/**
 * All registry SQL. One generic repository over the six located tables: they share id, lng, lat,
 * grid_code and division_code, and each kind adds its own columns and joins below. The table name is
 * chosen at run time, so queries are built on an untyped Kysely and rows typed by the callers' views.
 */
export type Db = Kysely<DB> | Transaction<DB>;
type AnyQuery = SelectQueryBuilder<any, any, any>;
type Row = Record<string, unknown>;
const untyped = (db: Db) => db as unknown as Kysely<any>;

export interface RecordFilter {
  keyword?: string;
  exact?: ExactMatch;
  divisionCode?: string;
  type?: string;
  tags?: string[];
  status?: string;
  bbox?: BBox;
  polygon?: AreaGeometry;
}

const columns = { lng: 'r.lng', lat: 'r.lat' };

/** Each kind's columns (and joins) for views, lists and exports. */
const detailSelect: Record<Entity, (q: AnyQuery) => AnyQuery> = {
  person: (q) =>
    q
      .leftJoin('household as hh', 'hh.id', 'r.household_id')
      .leftJoin('house as hs', 'hs.id', 'r.house_id')
      .select(['r.name', 'r.id_number_masked', 'r.phone_masked', 'r.gender', 'r.household_id', 'hh.household_no', 'r.relation', 'r.residence_type', 'r.tags', 'r.house_id', 'hs.address as house_address', 'r.room'])
      .select(sql<string>`to_char(r.birth_date, 'YYYY-MM-DD')`.as('birth_date')),
  household: (q) =>
    q
      .leftJoin('house as hs', 'hs.id', 'r.house_id')
      .leftJoin('person as hp', 'hp.id', 'r.head_person_id')
      .select(['r.household_no', 'r.address', 'r.house_id', 'hs.address as house_address', 'r.head_person_id', 'hp.name as head_name'])
      .select(sql<number>`(SELECT count(*)::int FROM person m WHERE m.household_id = r.id)`.as('member_count')),
  house: (q) => q.select(['r.address', 'r.owner_name', 'r.use_type', 'r.floors']),
  enterprise: (q) => q.select(['r.name', 'r.credit_code', 'r.kind', 'r.industry', 'r.legal_rep', 'r.phone_masked', 'r.address']),
  place: (q) => q.select(['r.name', 'r.kind', 'r.address', 'r.crowded', 'r.contact_name']),
  device: (q) => q.select(['r.device_type', 'r.name', 'r.channel_id', 'r.serial_no', 'r.sensor_kind', 'r.ai_enabled', 'r.status', 'r.last_seen_at', 'r.report_interval_s', 'r.view_description', 'r.stream_url', 'r.snapshot_url', 'r.address']),
};

/** The few columns a map point needs (kind.mapProperties reads them). */
const mapColumns: Record<Entity, string[]> = {
  person: ['r.residence_type'],
  household: ['r.household_no'],
  house: ['r.use_type', 'r.address'],
  enterprise: ['r.kind', 'r.name'],
  place: ['r.kind', 'r.name'],
  device: ['r.device_type', 'r.ai_enabled', 'r.sensor_kind', 'r.name', 'r.status'],
};

/** The natural key as one text value (kind.naturalKey.of builds the same from column values). */
const naturalKeySql: Record<Entity, string> = {
  person: 'r.id_number_idx',
  household: 'r.household_no',
  house: 'r.address',
  enterprise: 'r.credit_code',
  place: `r.name || chr(31) || r.address`,
  device: 'r.device_key',
};

/** Column types for `unnest` (everything else is text). */
const columnTypes: Record<string, string> = {
  lng: 'float8',
  lat: 'float8',
  household_id: 'int4',
  house_id: 'int4',
  floors: 'int4',
  birth_date: 'date',
  crowded: 'bool',
  ai_enabled: 'bool',
  report_interval_s: 'int4',
  last_seen_at: 'timestamptz',
};

/** One value of a column array: tags (text[]) as an array literal, since unnest cannot take ragged rows. */
function columnValue(column: string, value: unknown) {
  if (column === 'tags') return `{${(value as string[]).map((t) => `"${t.replace(/["\\]/g, '\\$&')}"`).join(',')}}`;
  if (value instanceof Date) return value.toISOString();
  return value ?? null;
}

/** One array parameter per column, of the column's type. */
const columnArrays = (columns: string[], rows: Row[]) =>
  sql.join(columns.map((c) => sql`${rows.map((r) => columnValue(c, r[c]))}::${sql.raw(columnTypes[c] ?? 'text')}[]`));

const unnested = (column: string) => (column === 'tags' ? sql`u.tags::text[]` : sql.ref(`u.${column}`));

/**
 * INSERT … SELECT FROM unnest(one array per column): a batch travels as a few parameters instead of
 * one per value, and without ON CONFLICT's speculative insertion, which is what makes 50,000-row
 * imports quick. Callers know beforehand which natural keys exist.
 */
function insertFromArrays(table: RegistryTableName, columns: string[], rows: Row[]) {
  const names = sql.join(columns.map((c) => sql.ref(c)));
  return sql`INSERT INTO ${sql.table(table)} (${names}) SELECT ${sql.join(columns.map(unnested))} FROM unnest(${columnArrays(columns, rows)}) AS u(${names})`;
}

const like = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A keyword the service recognised as an ID number or phone: matched exactly through its blind index. */
export interface ExactMatch {
  column: 'id_number_idx' | 'phone_idx';
  value: string;
}

/** Free-text search: names, codes and addresses by substring, or one exact blind-index match. */
function keywordCondition(entity: Entity, keyword: string, exact: ExactMatch | undefined): Expression<SqlBool> {
  if (exact) return sql<SqlBool>`${sql.ref(`r.${exact.column}`)} = ${exact.value}`;
  const text = like(keyword);
  const ilike = (...cols: string[]) => sql<SqlBool>`(${sql.join(cols.map((c) => sql`${sql.ref(c)} ILIKE ${text}`), sql` OR `)})`;
  switch (entity) {
    case 'person':
      return ilike('r.name');
    case 'household':
      return ilike('r.household_no', 'r.address');
    case 'house':
      return ilike('r.address', 'r.owner_name');
    case 'enterprise':
      return ilike('r.name', 'r.credit_code', 'r.legal_rep', 'r.address');
    case 'place':
      return ilike('r.name', 'r.address');
    case 'device':
      return ilike('r.name', 'r.channel_id', 'r.serial_no', 'r.address');
  }
}

export class RegistryRepository {
  private from(db: Db, table: RegistryTableName): AnyQuery {
    return untyped(db).selectFrom(`${table} as r`);
  }

  /** Rows in scope matching the filter (no columns selected yet). */
  private filtered(db: Db, kind: RecordKind, scope: DataScope, filter: RecordFilter): AnyQuery {
    let q = this.from(db, kind.table).where(scopeCondition(scope, { division: 'r.division_code' }));
    if (filter.divisionCode) q = q.where(divisionPrefix('r.division_code', filter.divisionCode));
    if (filter.keyword) q = q.where(keywordCondition(kind.entity, filter.keyword, filter.exact));
    if (filter.type && kind.typeColumn) q = q.where(`r.${kind.typeColumn}`, '=', filter.type);
    if (filter.tags?.length && kind.entity === 'person') q = q.where(sql<SqlBool>`r.tags && ${sql.val(filter.tags)}::text[]`);
    if (filter.status && kind.entity === 'device') q = q.where('r.status', '=', filter.status);
    if (filter.bbox) q = q.where(withinBBox(filter.bbox, columns));
    if (filter.polygon) q = q.where(withinPolygon(filter.polygon, columns));
    return q;
  }

  private withDetail(kind: RecordKind, q: AnyQuery): AnyQuery {
    const located = q
      .leftJoin('division as g', 'g.code', 'r.grid_code')
      .leftJoin('division as v', (join) => join.onRef('v.code', '=', sql`substr(r.grid_code, 1, 12)`))
      .select(['r.id', 'r.lng', 'r.lat', 'r.grid_code', 'r.division_code', 'g.name as grid_name', 'v.name as village_name', 'r.created_at', 'r.updated_at']);
    return detailSelect[kind.entity](located);
  }

  async list(db: Db, kind: RecordKind, scope: DataScope, filter: RecordFilter, window: { limit: number; offset: number }) {
    const q = this.filtered(db, kind, scope, filter);
    const [count, items] = await Promise.all([
      q.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow(),
      this.withDetail(kind, q).orderBy('r.id', 'desc').limit(window.limit).offset(window.offset).execute(),
    ]);
    return { total: (count as { n: number }).n, items: items as Row[] };
  }

  /** Up to `limit` rows for an export, in the list's order. */
  async exportRows(db: Db, kind: RecordKind, scope: DataScope, filter: RecordFilter, limit: number): Promise<Row[]> {
    return this.withDetail(kind, this.filtered(db, kind, scope, filter)).orderBy('r.id', 'desc').limit(limit).execute();
  }

  async findVisible(db: Db, kind: RecordKind, scope: DataScope, id: number): Promise<Row | undefined> {
    return this.withDetail(kind, this.filtered(db, kind, scope, {}).where('r.id', '=', id)).executeTakeFirst();
  }

  /** The stored row with every column (for updates: the kind judges changes against it). */
  async findRaw(db: Db, kind: RecordKind, scope: DataScope, id: number): Promise<Row | undefined> {
    return this.filtered(db, kind, scope, {}).selectAll('r').where('r.id', '=', id).executeTakeFirst();
  }

  /**
   * Map points: id, position, grid and the kind's map columns; one more than `limit` tells of truncation.
   * The rows travel as one JSON text built by the database: for thousands of points that is several
   * times faster than one result row each (notably on PGlite, whose row decoding dominates).
   */
  async points(db: Db, kind: RecordKind, scope: DataScope, filter: RecordFilter, limit: number): Promise<Row[]> {
    const names = ['id', 'lng', 'lat', 'grid_code', ...mapColumns[kind.entity].map((c) => c.slice(2))];
    const inner = this.filtered(db, kind, scope, filter)
      .select(names.map((n) => `r.${n}`))
      .orderBy('r.id')
      .limit(limit + 1);
    const { points } = await untyped(db)
      .selectFrom(inner.as('p'))
      .select(sql<string>`coalesce(json_agg(json_build_array(${sql.join(names.map((n) => sql.ref(`p.${n}`)))}) ORDER BY p.id), '[]')::text`.as('points'))
      .executeTakeFirstOrThrow();
    return (JSON.parse(points) as unknown[][]).map((values) => Object.fromEntries(names.map((n, i) => [n, values[i]])));
  }

  async nearest(db: Db, kind: RecordKind, scope: DataScope, point: LngLat, options: { type?: string; limit: number; withinMetres?: number }): Promise<Row[]> {
    const q = this.filtered(db, kind, scope, { type: options.type }).select(['r.id', 'r.lng', 'r.lat', 'r.grid_code', ...mapColumns[kind.entity]]).select(distanceMetres(point, columns).as('distance'));
    return nearest(q, point, { limit: options.limit, withinMetres: options.withinMetres }).orderBy('r.id').execute();
  }

  /** Records per area: codes cut to `codeLength` (9 town, 12 village, 14 grid) within the scope. */
  async countsByArea(db: Db, kind: RecordKind, scope: DataScope, within: string | undefined, codeLength: number) {
    let q = this.from(db, kind.table).where(scopeCondition(scope, { division: 'r.division_code' }));
    if (within) q = q.where(divisionPrefix('r.division_code', within));
    // A literal length: the same expression in SELECT and GROUP BY (two parameters would be two expressions).
    const code = sql<string>`substr(r.division_code, 1, ${sql.lit(codeLength)})`;
    const rows = await q.select([code.as('code'), sql<number>`count(*)::int`.as('n')]).groupBy(code).execute();
    return rows as { code: string; n: number }[];
  }

  /** Stored records with these natural keys, whatever the scope (the caller decides what an outside match means). */
  async existingByKey(db: Db, kind: RecordKind, keys: string[]): Promise<Map<string, { id: number; division_code: string }>> {
    const found = new Map<string, { id: number; division_code: string }>();
    const keySql = sql.raw(naturalKeySql[kind.entity]);
    for (let i = 0; i < keys.length; i += 1000) {
      const batch = keys.slice(i, i + 1000);
      const rows = await this.from(db, kind.table)
        .select([sql<string>`${keySql}`.as('key'), 'r.id', 'r.division_code'])
        .where(sql<SqlBool>`${keySql} = ANY(${batch}::text[])`)
        .execute();
      for (const row of rows as { key: string; id: number; division_code: string }[]) found.set(row.key, { id: row.id, division_code: row.division_code });
    }
    return found;
  }

  async insert(db: Db, kind: RecordKind, values: Row): Promise<number> {
    const row = await untyped(db).insertInto(kind.table).values(values).returning('id').executeTakeFirstOrThrow();
    return row.id as number;
  }

  async update(db: Db, kind: RecordKind, id: number, values: Row) {
    await untyped(db).updateTable(kind.table).set({ ...values, updated_at: sql`now()` }).where('id', '=', id).execute();
  }

  /** Inserts rows (sharing one set of columns) in batches. */
  async insertMany(db: Db, table: RegistryTableName, rows: Row[], batchSize: number) {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]!);
    for (let i = 0; i < rows.length; i += batchSize) await insertFromArrays(table, columns, rows.slice(i, i + batchSize)).execute(db);
  }

  /**
   * Updates stored rows by id with the given columns only (rows share one set of columns): a re-import
   * of a file without a phone column keeps the phones.
   */
  async updateMany(db: Db, table: RegistryTableName, rows: (Row & { id: number })[], batchSize: number) {
    if (rows.length === 0) return;
    const columns = Object.keys(rows[0]!).filter((c) => c !== 'id');
    const set = sql.join([...columns.map((c) => sql`${sql.ref(c)} = ${unnested(c)}`), sql`updated_at = now()`]);
    for (let i = 0; i < rows.length; i += batchSize) {
      const batch = rows.slice(i, i + batchSize);
      await sql`
        UPDATE ${sql.table(table)} AS t SET ${set}
        FROM unnest(${batch.map((r) => r.id)}::int4[], ${columnArrays(columns, batch)}) AS u(id, ${sql.join(columns.map((c) => sql.ref(c)))})
        WHERE t.id = u.id`.execute(db);
    }
  }

  /** Ciphertext of one personal field of one record in scope. */
  async personalField(db: Db, kind: RecordKind, scope: DataScope, id: number, column: 'id_number_enc' | 'phone_enc') {
    return (await this.filtered(db, kind, scope, {}).select(['r.id', 'r.division_code', `r.${column} as value`]).where('r.id', '=', id).executeTakeFirst()) as
      | { id: number; division_code: string; value: string | null }
      | undefined;
  }

  // References between kinds: people and households point at houses; people at households.

  async housesByAddress(db: Db, addresses: string[]) {
    const found = new Map<string, { id: number; lng: number; lat: number; grid_code: string; division_code: string }>();
    for (let i = 0; i < addresses.length; i += 1000) {
      const rows = await db.selectFrom('house').select(['id', 'address', 'lng', 'lat', 'grid_code', 'division_code']).where(sql<SqlBool>`address = ANY(${addresses.slice(i, i + 1000)}::text[])`).execute();
      for (const row of rows) found.set(row.address, row);
    }
    return found;
  }

  async householdsByNo(db: Db, numbers: string[]) {
    const found = new Map<string, { id: number; division_code: string }>();
    for (let i = 0; i < numbers.length; i += 1000) {
      const rows = await db.selectFrom('household').select(['id', 'household_no', 'division_code']).where(sql<SqlBool>`household_no = ANY(${numbers.slice(i, i + 1000)}::text[])`).execute();
      for (const row of rows) found.set(row.household_no, row);
    }
    return found;
  }

  async insertHouseholds(db: Db, rows: { household_no: string; address: string | null; house_id: number | null; lng: number; lat: number; grid_code: string; division_code: string }[]) {
    const ids = new Map<string, number>();
    if (rows.length === 0) return ids;
    const columns = Object.keys(rows[0]!);
    for (let i = 0; i < rows.length; i += 1000) {
      const inserted = await sql<{ id: number; household_no: string }>`${insertFromArrays('household', columns, rows.slice(i, i + 1000))} RETURNING id, household_no`.execute(db);
      for (const row of inserted.rows) ids.set(row.household_no, row.id);
    }
    return ids;
  }

  /**
   * The head of a household is its member with relation 户主 (the first one, should there be two).
   * Worked out again for the given households, and for any household whose head has since moved out
   * or stopped being the head.
   */
  async refreshHouseholdHeads(db: Db, householdIds: number[]) {
    const stale = await sql<{ id: number }>`
      SELECT h.id FROM household h JOIN person p ON p.id = h.head_person_id
      WHERE p.household_id IS DISTINCT FROM h.id OR p.relation IS DISTINCT FROM 'head'`.execute(db);
    const ids = [...new Set([...householdIds, ...stale.rows.map((r) => r.id)])];
    if (ids.length === 0) return;
    // Set-based (one join) rather than a subquery per household: a tenth of the time for a town's worth.
    await sql`
      WITH heads AS (
        SELECT DISTINCT ON (p.household_id) p.household_id, p.id FROM person p
        WHERE p.relation = 'head' AND p.household_id = ANY(${ids}::int4[])
        ORDER BY p.household_id, p.id
      )
      UPDATE household h SET head_person_id = heads.id
      FROM unnest(${ids}::int4[]) AS t(id) LEFT JOIN heads ON heads.household_id = t.id
      WHERE h.id = t.id AND h.head_person_id IS DISTINCT FROM heads.id`.execute(db);
  }

  /** Divisions of one level within every given prefix (scope, filter), for per-area statistics. */
  divisionsAtLevel(db: Db, level: 'town' | 'village' | 'grid', scope: DataScope, within?: string) {
    let q = db.selectFrom('division').select(['code', 'name']).where('level', '=', level).where(withinScope('code', scope));
    if (within) q = q.where(divisionPrefix('code', within));
    return q.orderBy('code').execute();
  }

  /** Dictionary items of the given types, for validating and labelling tags and sensor kinds. */
  dictionaryItems(db: Db, types: string[]) {
    return db.selectFrom('dictionary_item').select(['dict_type', 'value', 'label_zh', 'label_en']).where('dict_type', 'in', types).orderBy('sort').execute();
  }
}
