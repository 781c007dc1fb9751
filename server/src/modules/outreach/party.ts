import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema.ts';
import type { FieldCipher } from '../../privacy/field-cipher.ts';
import type { PartyKind } from './outreach.tables.ts';
import { outreachRepo } from './outreach.repo.ts';
import { vehiclesRepo } from './vehicles/vehicles.repo.ts';
import { parsePlate } from './vehicles/plate.ts';

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
 * A plate registry (车辆登记) answers "who owns this vehicle". The built-in one is the `vehicle_owner`
 * table (the admin page under 外呼提醒, imports from the vehicle administration's lists); another source
 * (a traffic-police interface) can implement the same lookup. `plate` is normalised and valid.
 */
export interface PlateRegistry {
  owner(plate: string): Promise<Party | null>;
}

export function tablePlateRegistry(db: Kysely<DB>, cipher: FieldCipher): PlateRegistry {
  return {
    async owner(plate) {
      const row = await vehiclesRepo.owner(db, plate);
      if (!row) return null;
      // A shop's van is addressed to the shop; a private car to its owner (车主 when the name is unknown).
      return { kind: 'vehicle', ref: row.plate, name: row.enterprise_name ?? row.owner_name ?? '车主', address: null, phone: cipher.decrypt(row.phone_enc), phoneMasked: row.phone_masked };
    },
  };
}

export interface SpotFacts {
  lng: number | null;
  lat: number | null;
  gridCode: string | null;
  /** The vehicle's plate, when the detection read one or a person typed it. */
  plate?: string | null;
}

/**
 * What the plate said, for the event's history: the owner was found; the plate is valid but not in
 * the registry; or what was read is no plate at all (a Frigate sub-label can be a name).
 */
export type PlateLookup = 'owner' | 'unregistered' | 'unreadable';

/**
 * The responsible party at a spot: the owner of the vehicle when a plate was read and the plate
 * registry knows it; otherwise the shop or enterprise with a phone nearest the spot within the radius,
 * one in the same unit grid first. Null when there is none: the event goes the normal way.
 */
export async function findParty(db: Kysely<DB>, cipher: FieldCipher, plates: PlateRegistry, spot: SpotFacts, radiusMeters: number): Promise<{ party: Party | null; plate: PlateLookup | null }> {
  let plate: PlateLookup | null = null;
  if (spot.plate) {
    const parsed = parsePlate(spot.plate);
    const owner = parsed.ok ? await plates.owner(parsed.value) : null;
    if (owner) return { party: owner, plate: 'owner' };
    plate = parsed.ok ? 'unregistered' : 'unreadable';
  }
  return { party: await shopAtSpot(db, cipher, spot, radiusMeters), plate };
}

async function shopAtSpot(db: Kysely<DB>, cipher: FieldCipher, spot: SpotFacts, radiusMeters: number): Promise<Party | null> {
  if (spot.lng === null || spot.lat === null) return null;
  const shop = await outreachRepo.nearestEnterprise(db, [spot.lng, spot.lat], spot.gridCode, radiusMeters);
  if (!shop?.phone_enc) return null;
  return { kind: 'enterprise', ref: String(shop.id), name: shop.name, address: shop.address, phone: cipher.decrypt(shop.phone_enc), phoneMasked: shop.phone_masked ?? '' };
}
