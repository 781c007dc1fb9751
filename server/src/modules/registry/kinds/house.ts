import { copyText, copyValues, latField, lngField, textField, type RecordKind } from '../record-kind.ts';
import { houseUses } from './options.ts';

/** Houses and buildings (房): the address is the natural key; rooms are kept on the people living there. */
export const houseKind: RecordKind = {
  entity: 'house',
  path: 'houses',
  table: 'house',
  label: { zh: '房屋', en: 'Houses' },
  fields: [
    textField('address', '地址', 'Address', { required: true, aliases: ['房屋地址'] }),
    textField('ownerName', '产权人', 'Owner', { maxLength: 64, aliases: ['房东', '业主', '房主'] }),
    { key: 'useType', zh: '房屋用途', en: 'Use', aliases: ['用途'], type: 'enum', options: houseUses, default: 'residential' },
    { key: 'floors', zh: '层数', en: 'Floors', aliases: ['楼层数'], type: 'integer', min: 1, max: 200 },
    { ...lngField, required: true },
    { ...latField, required: true },
  ],
  typeColumn: 'use_type',
  naturalKey: { field: () => 'address', of: (v) => (v.address as string | undefined) ?? null },

  toColumns(input) {
    const values: Record<string, unknown> = {};
    copyText(input, values, { address: 'address', ownerName: 'owner_name' });
    copyValues(input, values, { useType: 'use_type', floors: 'floors' });
    return { values, issues: [] };
  },

  present: (r) => ({ address: r.address, ownerName: r.owner_name, useType: r.use_type, floors: r.floors }),
  mapProperties: (r) => ({ kind: r.use_type as string, name: r.address as string }),
};
