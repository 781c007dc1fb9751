import { Type } from 'typebox';
import { copyText, latField, lngField, textField, type RecordKind } from '../record-kind.ts';

/** Households (户): a number, an address and the house they live in; the head is the member with relation 户主. */
export const householdKind: RecordKind = {
  entity: 'household',
  path: 'households',
  table: 'household',
  label: { zh: '户', en: 'Households' },
  fields: [
    textField('householdNo', '户号', 'Household number', { required: true, maxLength: 32 }),
    textField('address', '地址', 'Address', { aliases: ['户籍地址', '住址'] }),
    textField('houseAddress', '房屋地址', 'House address'),
    lngField,
    latField,
  ],
  locatedByHouse: true,
  naturalKey: { field: () => 'householdNo', of: (v) => (v.household_no as string | undefined) ?? null },

  toColumns(input) {
    const values: Record<string, unknown> = {};
    copyText(input, values, { householdNo: 'household_no', address: 'address' });
    return { values, issues: [] };
  },

  viewExtras: {
    houseId: Type.Union([Type.Integer(), Type.Null()]),
    headPersonId: Type.Union([Type.Integer(), Type.Null()]),
    headName: Type.Union([Type.String(), Type.Null()]),
    memberCount: Type.Integer(),
  },
  present: (r) => ({
    householdNo: r.household_no,
    address: r.address,
    houseId: r.house_id,
    houseAddress: r.house_address,
    headPersonId: r.head_person_id,
    headName: r.head_name,
    memberCount: r.member_count,
  }),
  mapProperties: (r) => ({ kind: 'household', name: r.household_no as string }),
};
