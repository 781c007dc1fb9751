import crypto from 'node:crypto';
import type { App } from '../../app.ts';
import { maskPhone } from '../../privacy/masking.ts';
import { FieldCipher } from '../../privacy/field-cipher.ts';
import { loadDataKey } from '../../privacy/data-key.ts';
import type { Session, TestApp } from '../../../test/test-app.ts';
import type { OutreachSettings } from './settings.ts';

/** Helpers shared by the outreach tests. */

/** The field cipher with the app's data key (the app keeps its own inside the module routes' scope). */
export const cipherOf = (app: App) => new FieldCipher(loadDataKey(app.config, app.log));

/** A shop with a phone at a point (registry fields as the registry writes them). */
export async function shopAt(app: App, point: { lng: number; lat: number }, options: { phone: string; name: string; address?: string }) {
  const cipher = cipherOf(app);
  const grid = app.grids.locate(point.lng, point.lat)!.unitGridCode;
  const creditCode = `92330203T${String(crypto.randomInt(0, 1e9)).padStart(9, '0')}`;
  return app.db
    .insertInto('enterprise')
    .values({
      name: options.name,
      credit_code: creditCode,
      kind: 'shop',
      industry: '便利店',
      legal_rep: null,
      phone_enc: cipher.encrypt(options.phone),
      phone_idx: cipher.blindIndex('phone', options.phone),
      phone_masked: maskPhone(options.phone),
      address: options.address ?? '布政路12号',
      lng: point.lng,
      lat: point.lat,
      grid_code: grid,
      division_code: grid,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
}

/** Settings as the migration seeds them, with the given changes. */
export async function setOutreachSettings(t: TestApp, admin: Session, changes: Partial<OutreachSettings>) {
  const current = (await t.as(admin, { method: 'GET', url: '/api/outreach/settings' })).json() as OutreachSettings;
  const response = await t.as(admin, { method: 'PUT', url: '/api/outreach/settings', payload: { ...current, ...changes } });
  if (response.statusCode !== 200) throw new Error(`settings: ${response.body}`);
}

/** Never quiet: tests on the real clock must not depend on the time of day they run at. */
export const noQuietHours = { start: '00:00', end: '00:00', smsAllowed: false };

export function outreachClient(t: TestApp) {
  return {
    get: (session: Session, id: number) => t.as(session, { method: 'GET', url: `/api/outreach/events/${id}` }),
    remind: (session: Session, id: number, payload: Record<string, unknown> = {}) => t.as(session, { method: 'POST', url: `/api/outreach/events/${id}/remind`, payload }),
    recheck: (session: Session, id: number, payload: Record<string, unknown>) => t.as(session, { method: 'POST', url: `/api/outreach/events/${id}/recheck`, payload }),
  };
}
