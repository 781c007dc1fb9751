import { type Insertable, type Kysely, type Transaction, type Updateable } from 'kysely';
import type { DB } from '../../../db/schema.ts';
import type { DataScope } from '../../../auth/actor.ts';
import { scopeCondition } from '../../../auth/scope-filter.ts';
import type { VehicleOwnerTable } from '../outreach.tables.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface VehicleFilter {
  /** Part of a plate, or of the owner's name. */
  keyword?: string;
  /** The blind index of a phone searched for in full. */
  phoneIdx?: string;
  enterpriseId?: number;
}

const listColumns = ['v.id', 'v.plate', 'v.owner_name', 'v.phone_masked', 'v.enterprise_id', 'e.name as enterprise_name', 'e.credit_code as enterprise_credit_code', 'v.source', 'v.division_code', 'v.updated_at'] as const;

/** Every query of the plate registry. Lists are scoped by the keeping division; the plate lookup is not (a plate is unique). */
export const vehiclesRepo = {
  filtered(db: Db, scope: DataScope, filter: VehicleFilter) {
    let query = db.selectFrom('vehicle_owner as v').leftJoin('enterprise as e', 'e.id', 'v.enterprise_id').where(scopeCondition(scope, { division: 'v.division_code' }));
    if (filter.phoneIdx) query = query.where('v.phone_idx', '=', filter.phoneIdx);
    else if (filter.keyword) {
      const like = `%${filter.keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      query = query.where((eb) => eb.or([eb('v.plate', 'like', like.toUpperCase()), eb('v.owner_name', 'like', like)]));
    }
    if (filter.enterpriseId !== undefined) query = query.where('v.enterprise_id', '=', filter.enterpriseId);
    return query;
  },
  async list(db: Db, scope: DataScope, filter: VehicleFilter, window: { limit: number; offset: number }) {
    const query = vehiclesRepo.filtered(db, scope, filter);
    const [rows, count] = await Promise.all([
      query.select(listColumns).orderBy('v.updated_at', 'desc').orderBy('v.id', 'desc').limit(window.limit).offset(window.offset).execute(),
      query.select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return { rows, total: Number(count.n) };
  },
  exportRows(db: Db, scope: DataScope, filter: VehicleFilter, limit: number) {
    return vehiclesRepo.filtered(db, scope, filter).select(listColumns).orderBy('v.updated_at', 'desc').orderBy('v.id', 'desc').limit(limit).execute();
  },
  visible(db: Db, scope: DataScope, id: number) {
    return vehiclesRepo.filtered(db, scope, {}).where('v.id', '=', id).select([...listColumns, 'v.phone_enc']).executeTakeFirst();
  },
  insert(trx: Db, row: Insertable<VehicleOwnerTable>) {
    return trx.insertInto('vehicle_owner').values(row).returning('id').executeTakeFirstOrThrow();
  },
  async update(trx: Db, id: number, changes: Updateable<VehicleOwnerTable>) {
    await trx.updateTable('vehicle_owner').set(changes).where('id', '=', id).execute();
  },
  async remove(trx: Db, id: number) {
    await trx.deleteFrom('vehicle_owner').where('id', '=', id).execute();
  },
  /** The stored rows of these plates, with their division (an import updates only those in scope). */
  byPlates(db: Db, plates: string[]) {
    if (!plates.length) return Promise.resolve([]);
    return db.selectFrom('vehicle_owner').select(['id', 'plate', 'division_code']).where('plate', 'in', plates).execute();
  },
  /** The vehicle's owner for a reminder, with the enterprise it belongs to. */
  owner(db: Db, plate: string) {
    return db
      .selectFrom('vehicle_owner as v')
      .leftJoin('enterprise as e', 'e.id', 'v.enterprise_id')
      .select(['v.plate', 'v.owner_name', 'v.phone_enc', 'v.phone_masked', 'e.name as enterprise_name'])
      .where('v.plate', '=', plate)
      .executeTakeFirst();
  },
  /** Enterprises in scope by id (the API) or credit code (an import). */
  enterprisesById(db: Db, scope: DataScope, ids: number[]) {
    if (!ids.length) return Promise.resolve([]);
    return db.selectFrom('enterprise').select(['id', 'name', 'credit_code']).where('id', 'in', ids).where(scopeCondition(scope, { division: 'division_code' })).execute();
  },
  enterprisesByCreditCode(db: Db, scope: DataScope, codes: string[]) {
    if (!codes.length) return Promise.resolve([]);
    return db.selectFrom('enterprise').select(['id', 'name', 'credit_code']).where('credit_code', 'in', codes).where(scopeCondition(scope, { division: 'division_code' })).execute();
  },
  /**
   * Imported rows by plate: new plates inserted, known ones given the new owner, phone and enterprise.
   * Known plates outside the importer's scope were refused before; the condition keeps it so if one
   * appeared since.
   */
  async upsertMany(trx: Db, scope: DataScope, rows: Insertable<VehicleOwnerTable>[]) {
    for (let i = 0; i < rows.length; i += 1000) {
      await trx
        .insertInto('vehicle_owner')
        .values(rows.slice(i, i + 1000))
        .onConflict((oc) =>
          oc
            .column('plate')
            .doUpdateSet((eb) => ({
              owner_name: eb.ref('excluded.owner_name'),
              phone_enc: eb.ref('excluded.phone_enc'),
              phone_idx: eb.ref('excluded.phone_idx'),
              phone_masked: eb.ref('excluded.phone_masked'),
              enterprise_id: eb.ref('excluded.enterprise_id'),
              source: eb.ref('excluded.source'),
              updated_at: eb.ref('excluded.updated_at'),
            }))
            .where(scopeCondition(scope, { division: 'vehicle_owner.division_code' })),
        )
        .execute();
    }
  },
};
