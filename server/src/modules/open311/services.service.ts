import type { FastifyInstance } from 'fastify';
import type { Locale } from '../../i18n/messages.ts';
import { AppError } from '../../http/errors.ts';
import { configRepo } from '../events/config/config.repo.ts';
import { open311Repo, toDefinition } from './open311.repo.ts';
import { presentDefinition, presentService } from './open311.present.ts';

/**
 * GeoReport v2 services are the categories residents may report (active and public-reportable, the
 * same list the H5 page offers); a service has `metadata: true` when admins gave it attributes.
 */
export async function listServices(app: FastifyInstance, locale: Locale) {
  const [categories, withAttributes] = await Promise.all([configRepo.publicCategories(app.db), open311Repo.categoriesWithAttributes(app.db)]);
  return categories.map((c) => presentService(c, withAttributes.has(c.code), locale));
}

export async function serviceDefinition(app: FastifyInstance, serviceCode: string, locale: Locale) {
  const service = await open311Repo.service(app.db, serviceCode);
  if (!service) throw unknownService(serviceCode);
  const attributes = await open311Repo.attributes(app.db, service.code);
  return presentDefinition(service.code, attributes.map(toDefinition), locale);
}

export const unknownService = (code: string) => new AppError('OPEN311_SERVICE_UNKNOWN', 404, { code });
