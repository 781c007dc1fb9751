import { Type, type Static } from 'typebox';
import { PageQuery, StringEnum } from '../../../http/pagination.ts';

const Plate = Type.String({ minLength: 1, maxLength: 16, description: '浙B12345, 浙BD12345, 浙B12345D (spaces and · allowed)' });
const OwnerName = Type.Union([Type.String({ maxLength: 64 }), Type.Null()]);
const Phone = Type.String({ minLength: 1, maxLength: 32 });
const EnterpriseId = Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], { description: 'The shop or enterprise the vehicle belongs to' });

export const VehicleBody = Type.Object({ plate: Plate, ownerName: Type.Optional(OwnerName), phone: Phone, enterpriseId: Type.Optional(EnterpriseId) }, { additionalProperties: false });
export type VehicleBody = Static<typeof VehicleBody>;

export const VehicleUpdate = Type.Object(
  { plate: Type.Optional(Plate), ownerName: Type.Optional(OwnerName), phone: Type.Optional(Phone), enterpriseId: Type.Optional(EnterpriseId) },
  { additionalProperties: false, minProperties: 1 },
);
export type VehicleUpdate = Static<typeof VehicleUpdate>;

export const VehicleFilterQuery = Type.Object({
  keyword: Type.Optional(Type.String({ maxLength: 64, description: 'Part of a plate or owner name, or a whole phone number' })),
  enterpriseId: Type.Optional(Type.Integer({ minimum: 1 })),
});
export const VehicleQuery = Type.Object({ ...PageQuery.properties, ...VehicleFilterQuery.properties });
export type VehicleQuery = Static<typeof VehicleQuery>;

export const VehicleView = Type.Object({
  id: Type.Integer(),
  plate: Type.String(),
  ownerName: Type.Union([Type.String(), Type.Null()]),
  phone: Type.String({ description: 'masked' }),
  enterpriseId: Type.Union([Type.Integer(), Type.Null()]),
  enterpriseName: Type.Union([Type.String(), Type.Null()]),
  source: StringEnum(['manual', 'import']),
  divisionCode: Type.String(),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const VehicleImportQuery = Type.Object({
  mode: Type.Optional(StringEnum(['all-or-nothing', 'valid-rows'])),
  mapping: Type.Optional(Type.String({ maxLength: 10_000, description: 'JSON object: column header → field key, overriding the default mapping' })),
});
