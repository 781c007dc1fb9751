import type { FastifyRequest } from 'fastify';
import { actorOf } from '../../auth/auth.plugin.ts';
import { AppError, notFound } from '../../http/errors.ts';
import { runCommand } from '../../http/command.ts';
import { pageWindow, type PageQuery } from '../../http/pagination.ts';
import { maskPhone } from '../../privacy/masking.ts';
import { parsePhone } from '../registry/validators/phone.ts';
import { outreachRepo } from './outreach.repo.ts';
import type { OptOutBody } from './outreach.schema.ts';

/** The opt-out list (免打扰): a number on it gets no reminder, and each skipped message says so. */
export async function listOptOuts(request: FastifyRequest, query: PageQuery) {
  const window = pageWindow(query);
  const { rows, total } = await outreachRepo.listOptOuts(request.server.db, actorOf(request).scope, window);
  return {
    items: rows.map((r) => ({ id: r.id, phone: r.phone_masked, reason: r.reason, divisionCode: r.division_code, createdByName: r.created_by_name, createdAt: r.created_at.toISOString() })),
    total,
    page: window.page,
    pageSize: window.pageSize,
  };
}

const isUniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

export async function addOptOut(request: FastifyRequest, body: OptOutBody) {
  const actor = actorOf(request);
  const parsed = parsePhone(body.phone);
  if (!parsed.ok) throw new AppError('VALIDATION_FAILED', 400, {}, [{ field: '/phone', code: parsed.code }]);
  const cipher = request.server.privacy;
  try {
    return await runCommand(request, async (trx, audit) => {
      const row = await outreachRepo.insertOptOut(trx, {
        phone_enc: cipher.encrypt(parsed.value),
        phone_idx: cipher.blindIndex('phone', parsed.value),
        phone_masked: maskPhone(parsed.value),
        reason: body.reason ?? '',
        division_code: actor.divisionCode,
        created_by: actor.type === 'user' ? actor.id : null,
        created_at: new Date(),
      });
      audit({ action: 'outreach:opt-out:create', entityType: 'outreach_opt_out', entityId: row.id, divisionCode: row.division_code, after: { phone: row.phone_masked, reason: row.reason } });
      return { id: row.id, phone: row.phone_masked, reason: row.reason, divisionCode: row.division_code, createdByName: actor.type === 'user' ? actor.name : null, createdAt: row.created_at.toISOString() };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError('OUTREACH_OPT_OUT_EXISTS', 409);
    throw error;
  }
}

export async function removeOptOut(request: FastifyRequest, id: number) {
  const actor = actorOf(request);
  await runCommand(request, async (trx, audit) => {
    const row = await outreachRepo.optOutVisible(trx, actor.scope, id);
    if (!row) throw notFound();
    await outreachRepo.deleteOptOut(trx, id);
    audit({ action: 'outreach:opt-out:delete', entityType: 'outreach_opt_out', entityId: id, divisionCode: row.division_code, before: { phone: row.phone_masked, reason: row.reason } });
  });
}
