import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../../auth/auth.plugin.ts';
import type { DataScope } from '../../../auth/actor.ts';
import { AppError, notFound } from '../../../http/errors.ts';
import { runCommand } from '../../../http/command.ts';
import { pageWindow } from '../../../http/pagination.ts';
import { buildXlsx, formatShanghai, type XlsxColumn } from '../../../lib/xlsx-export.ts';
import { checkRevealQuota, revealAction } from '../../../privacy/reveal-quota.ts';
import { parsePhone } from '../../registry/validators/phone.ts';
import type { FieldIssue } from '../../registry/record-kind.ts';
import { vehicleColumns, vehicleSheet } from './vehicle-sheet.ts';
import { vehiclesRepo, type VehicleFilter } from './vehicles.repo.ts';
import type { VehicleBody, VehicleQuery, VehicleUpdate } from './vehicles.schema.ts';

/** The plate registry (车辆登记): who owns a vehicle, for reminders about it. Phones masked; reveal audited. */

type ListRow = Awaited<ReturnType<typeof vehiclesRepo.exportRows>>[number];

const view = (r: ListRow) => ({
  id: Number(r.id),
  plate: r.plate,
  ownerName: r.owner_name,
  phone: r.phone_masked,
  enterpriseId: r.enterprise_id === null ? null : Number(r.enterprise_id),
  enterpriseName: r.enterprise_name,
  source: r.source,
  divisionCode: r.division_code,
  updatedAt: r.updated_at.toISOString(),
});

const auditView = (r: { plate: string; owner_name: string | null; phone_masked: string; enterprise_id: number | null }) => ({ plate: r.plate, owner_name: r.owner_name, phone: r.phone_masked, enterprise_id: r.enterprise_id });

/** A keyword that is a whole phone number is matched through its blind index (phones are stored encrypted). */
function toFilter(request: FastifyRequest, query: VehicleQuery): VehicleFilter {
  const keyword = query.keyword?.trim();
  const phone = keyword && /^[\d\s()+-]{7,}$/.test(keyword) ? parsePhone(keyword) : undefined;
  return { keyword: phone?.ok ? undefined : keyword || undefined, phoneIdx: phone?.ok ? request.server.privacy.blindIndex('phone', phone.value) : undefined, enterpriseId: query.enterpriseId };
}

export async function listVehicles(request: FastifyRequest, query: VehicleQuery) {
  const window = pageWindow(query);
  const { rows, total } = await vehiclesRepo.list(request.server.db, actorOf(request).scope, toFilter(request, query), window);
  return { items: rows.map(view), total, page: window.page, pageSize: window.pageSize };
}

function failOnIssues(issues: FieldIssue[]) {
  if (issues.length) throw new AppError('VALIDATION_FAILED', 400, {}, issues.map((i) => ({ field: `/${i.field}`, code: i.code, params: i.params })));
}

async function checkEnterprise(request: FastifyRequest, scope: DataScope, id: number | null | undefined) {
  if (id === null || id === undefined) return;
  const [found] = await vehiclesRepo.enterprisesById(request.server.db, scope, [id]);
  if (!found) failOnIssues([{ field: 'enterpriseId', code: 'UNKNOWN_REFERENCE', params: { value: String(id) } }]);
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

async function refuseDuplicatePlate<T>(plate: string | undefined, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('OUTREACH_VEHICLE_EXISTS', 409, { plate: plate ?? '' });
    throw error;
  }
}

export async function getVehicle(request: FastifyRequest, id: number) {
  const row = await vehiclesRepo.visible(request.server.db, actorOf(request).scope, id);
  if (!row) throw notFound();
  return view(row);
}

export async function createVehicle(request: FastifyRequest, body: VehicleBody) {
  const actor = actorOf(request);
  const { values, issues } = vehicleColumns(body, request.server.privacy);
  failOnIssues(issues);
  await checkEnterprise(request, actor.scope, body.enterpriseId);
  const row = { plate: values.plate!, owner_name: values.owner_name ?? null, phone_enc: values.phone_enc!, phone_idx: values.phone_idx!, phone_masked: values.phone_masked!, enterprise_id: body.enterpriseId ?? null, source: 'manual' as const, division_code: actor.divisionCode, updated_at: new Date() };
  const { id } = await refuseDuplicatePlate(row.plate, () =>
    runCommand(request, async (trx, audit) => {
      const created = await vehiclesRepo.insert(trx, row);
      audit({ action: 'outreach:vehicle:create', entityType: 'vehicle_owner', entityId: created.id, divisionCode: row.division_code, after: auditView(row) });
      return created;
    }),
  );
  return getVehicle(request, Number(id));
}

export async function updateVehicle(request: FastifyRequest, id: number, body: VehicleUpdate) {
  const actor = actorOf(request);
  const { values, issues } = vehicleColumns(body, request.server.privacy);
  failOnIssues(issues);
  await checkEnterprise(request, actor.scope, body.enterpriseId);
  await refuseDuplicatePlate(values.plate, () =>
    runCommand(request, async (trx, audit) => {
      const before = await vehiclesRepo.visible(trx, actor.scope, id);
      if (!before) throw notFound();
      const changes = { ...values, ...(body.enterpriseId !== undefined ? { enterprise_id: body.enterpriseId } : {}), source: 'manual' as const, updated_at: new Date() };
      await vehiclesRepo.update(trx, id, changes);
      audit({ action: 'outreach:vehicle:update', entityType: 'vehicle_owner', entityId: id, divisionCode: before.division_code, before: auditView(before), after: auditView({ ...before, ...changes }) });
    }),
  );
  return getVehicle(request, id);
}

export async function deleteVehicle(request: FastifyRequest, id: number) {
  const actor = actorOf(request);
  await runCommand(request, async (trx, audit) => {
    const before = await vehiclesRepo.visible(trx, actor.scope, id);
    if (!before) throw notFound();
    await vehiclesRepo.remove(trx, id);
    audit({ action: 'outreach:vehicle:delete', entityType: 'vehicle_owner', entityId: id, divisionCode: before.division_code, before: auditView(before) });
  });
}

/** The owner's full phone: the reveal permission, the daily limit and an audit record naming the vehicle, never the number. */
export async function revealVehiclePhone(request: FastifyRequest, id: number) {
  const actor = actorOf(request);
  return runCommand(request, async (trx, audit) => {
    const row = await vehiclesRepo.visible(trx, actor.scope, id);
    if (!row) throw notFound();
    await checkRevealQuota(trx, actor, request.server.config.revealDailyLimit);
    audit({ action: revealAction, entityType: 'vehicle_owner', entityId: id, divisionCode: row.division_code, details: { field: 'phone' } });
    return { field: 'phone', value: request.server.privacy.decrypt(row.phone_enc) };
  });
}

const exportRowLimit = 200_000;

/** The filtered list as XLSX, phones masked; audited with the count and the filter (a searched number is not copied). */
export async function exportVehicles(request: FastifyRequest, query: VehicleQuery): Promise<Buffer> {
  const actor = actorOf(request);
  const rows = await vehiclesRepo.exportRows(request.server.db, actor.scope, toFilter(request, query), exportRowLimit);
  const en = actor.locale === 'en';
  const name = (key: string) => vehicleSheet.fields.find((f) => f.key === key)![en ? 'en' : 'zh'];
  const columns: XlsxColumn<ListRow>[] = [
    { header: name('plate'), value: (r) => r.plate },
    { header: name('ownerName'), value: (r) => r.owner_name },
    { header: name('phone'), value: (r) => r.phone_masked },
    { header: name('enterpriseCreditCode'), width: 22, value: (r) => r.enterprise_credit_code },
    { header: en ? 'Enterprise' : '所属企业', width: 24, value: (r) => r.enterprise_name },
    { header: en ? 'Source' : '来源', value: (r) => (r.source === 'import' ? (en ? 'import' : '导入') : en ? 'manual' : '手工录入') },
    { header: en ? 'Updated' : '更新时间', width: 20, value: (r) => formatShanghai(r.updated_at) },
  ];
  const body = await buildXlsx(en ? vehicleSheet.label.en : vehicleSheet.label.zh, columns, rows);
  await runCommand(request, async (_trx, audit) => {
    audit({ action: 'outreach:vehicle:export', entityType: 'vehicle_owner', entityId: null, divisionCode: actor.divisionCode, details: { rows: rows.length, filter: { ...query, keyword: query.keyword && /\d{6,}/.test(query.keyword) ? '(number)' : query.keyword } } });
  });
  return body;
}
