import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { FieldCipher } from '../../privacy/field-cipher.ts';
import type { PartyKind } from './outreach.tables.ts';
import { outreachRepo } from './outreach.repo.ts';

/** Who gets the reminder. `phone` is plain text: it goes straight into the encrypted outbox. */
export interface Party {
  kind: PartyKind;
  /** The enterprise id, or the plate. */
  ref: string;
  name: string;
  address: string | null;
  phone: string;
  phoneMasked: string;
}

/**
 * A plate registry (车辆登记) answers "who owns this vehicle". The built-in one is the
 * `vehicle_owner` table, empty until a deployment fills it from a real source; another source (a
 * traffic-police interface) can implement the same lookup.
 */
export interface PlateRegistry {
  owner(plate: string): Promise<Party | null>;
}

/** Plates as the video AI or a person writes them: 浙B·12345, 浙b 12345 → 浙B12345. */
export function normalisePlate(raw: string): string {
  return raw.replace(/[\s·•.-]/g, '').toUpperCase();
}

export function tablePlateRegistry(db: Kysely<DB>, cipher: FieldCipher): PlateRegistry {
  return {
    async owner(plate) {
      const row = await outreachRepo.vehicleOwner(db, normalisePlate(plate));
      if (!row) return null;
      return { kind: 'vehicle', ref: row.plate, name: row.owner_name ?? '车主', address: null, phone: cipher.decrypt(row.phone_enc), phoneMasked: row.phone_masked };
    },
  };
}

export interface SpotFacts {
  lng: number | null;
  lat: number | null;
  gridCode: string | null;
  /** The vehicle's plate when the detection read one. */
  plate?: string;
}

/**
 * The responsible party at a spot: the owner of the vehicle when a plate was read and the plate
 * registry knows it; otherwise the shop or enterprise with a phone nearest the spot within the radius,
 * one in the same unit grid first. Null when there is none: the event goes the normal way.
 */
export async function findParty(db: Kysely<DB>, cipher: FieldCipher, plates: PlateRegistry, spot: SpotFacts, radiusMeters: number): Promise<Party | null> {
  if (spot.plate) {
    const owner = await plates.owner(spot.plate);
    if (owner) return owner;
  }
  if (spot.lng === null || spot.lat === null) return null;
  const shop = await outreachRepo.nearestEnterprise(db, [spot.lng, spot.lat], spot.gridCode, radiusMeters);
  if (!shop?.phone_enc) return null;
  return { kind: 'enterprise', ref: String(shop.id), name: shop.name, address: shop.address, phone: cipher.decrypt(shop.phone_enc), phoneMasked: shop.phone_masked ?? '' };
}
