import type { FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../../db/schema.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { checkCountyLevel } from '../events/config/county-level.ts';
import { configRepo } from '../events/config/config.repo.ts';
import { definitionErrors, type AttributeDefinition } from './attributes.ts';
import { open311Repo, toDefinition, type AttributeRow } from './open311.repo.ts';
import type { CreateAttributeBody, DiscoverySettings, UpdateAttributeBody } from './open311.schema.ts';

/**
 * The Open311 configuration admins edit: the attributes of each service (shared by every town of
 * the deployment, like the catalogue, so only county-level admins change them) and what discovery
 * tells partners.
 */
const permission = 'open311:config:update';

const present = (row: AttributeRow) => {
  const { code, variable, datatype, required, datatypeDescription, order, description, descriptionEn, values } = toDefinition(row);
  return { id: row.id, categoryCode: row.category_code, code, variable, datatype, required, datatypeDescription, order, description, descriptionEn, values };
};

/** The stored columns of a definition (audited as they are: attributes hold no personal data). */
const columns = (d: Omit<AttributeDefinition, 'code'>) => ({
  variable: d.variable,
  datatype: d.datatype,
  required: d.required,
  datatype_description: d.datatypeDescription,
  sort: d.order,
  description: d.description,
  description_en: d.descriptionEn,
  options: JSON.stringify(d.values),
});

async function checkDefinition(trx: Transaction<DB>, categoryCode: string, definition: AttributeDefinition, exceptId: number | null) {
  const errors = definitionErrors(definition);
  const orderTaken = await open311Repo.clash(trx, categoryCode, 'sort', definition.order, exceptId);
  if (orderTaken) errors.push({ field: '/order', code: 'OPEN311_ORDER_TAKEN', params: { order: definition.order, code: orderTaken.code } });
  if (errors.length) throw new AppError('VALIDATION_FAILED', 400, {}, errors);
}

export async function listAttributes(request: FastifyRequest, categoryCode: string) {
  const db = request.server.db;
  if (!(await open311Repo.category(db, categoryCode))) throw notFound();
  return { items: (await open311Repo.attributes(db, categoryCode)).map(present) };
}

export async function createAttribute(request: FastifyRequest, categoryCode: string, body: CreateAttributeBody) {
  checkCountyLevel(request, permission);
  const definition: AttributeDefinition = {
    code: body.code,
    variable: body.variable ?? true,
    datatype: body.datatype,
    required: body.required ?? false,
    datatypeDescription: body.datatypeDescription ?? '',
    order: body.order,
    description: body.description,
    descriptionEn: body.descriptionEn ?? null,
    values: body.values ?? [],
  };
  return runCommand(request, async (trx, audit) => {
    if (!(await open311Repo.category(trx, categoryCode))) throw notFound();
    if (await open311Repo.clash(trx, categoryCode, 'code', body.code, null)) throw new AppError('ALREADY_EXISTS', 409, { entity: 'open311Attribute', value: body.code });
    await checkDefinition(trx, categoryCode, definition, null);
    const row = await open311Repo.insertAttribute(trx, { category_code: categoryCode, code: body.code, ...columns(definition) });
    audit({ action: 'open311:attribute:create', entityType: 'open311_attribute', entityId: row.id, after: present(row) });
    return present(row);
  });
}

/** The given fields replace the stored ones; the whole definition is checked again. */
export async function updateAttribute(request: FastifyRequest, id: number, body: UpdateAttributeBody) {
  checkCountyLevel(request, permission);
  return runCommand(request, async (trx, audit) => {
    const before = await open311Repo.attribute(trx, id);
    if (!before) throw notFound();
    const definition: AttributeDefinition = { ...toDefinition(before), ...body };
    await checkDefinition(trx, before.category_code, definition, id);
    const row = await open311Repo.updateAttribute(trx, id, columns(definition));
    audit({ action: 'open311:attribute:update', entityType: 'open311_attribute', entityId: id, before: present(before), after: present(row) });
    return present(row);
  });
}

/** Answers already given stay with their events; new reports are no longer asked. */
export async function deleteAttribute(request: FastifyRequest, id: number) {
  checkCountyLevel(request, permission);
  await runCommand(request, async (trx, audit) => {
    const before = await open311Repo.attribute(trx, id);
    if (!before) throw notFound();
    await open311Repo.deleteAttribute(trx, id);
    audit({ action: 'open311:attribute:delete', entityType: 'open311_attribute', entityId: id, before: present(before) });
  });
}

const discoveryKey = 'open311_discovery';

export async function discoverySettings(db: Kysely<DB> | Transaction<DB>): Promise<DiscoverySettings> {
  return (await configRepo.settings(db, [discoveryKey])).get(discoveryKey) as DiscoverySettings;
}

export async function updateDiscoverySettings(request: FastifyRequest, body: DiscoverySettings) {
  checkCountyLevel(request, permission);
  await runCommand(request, async (trx, audit) => {
    const before = await discoverySettings(trx);
    await configRepo.putSetting(trx, discoveryKey, body);
    audit({ action: 'open311:config:update', entityType: 'setting', entityId: discoveryKey, before, after: body });
  });
  return body;
}
