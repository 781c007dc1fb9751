import type { Entity, RecordKind } from '../record-kind.ts';
import { personKind } from './person.ts';
import { householdKind } from './household.ts';
import { houseKind } from './house.ts';
import { enterpriseKind } from './enterprise.ts';
import { placeKind } from './place.ts';
import { deviceKind } from './device.ts';

/** Every registry record type, in the order menus and statistics list them. */
export const recordKinds: readonly RecordKind[] = [personKind, householdKind, houseKind, enterpriseKind, placeKind, deviceKind];

export const kindOf = (entity: Entity): RecordKind => recordKinds.find((k) => k.entity === entity)!;
