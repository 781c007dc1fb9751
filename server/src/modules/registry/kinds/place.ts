import { copyText, copyValues, latField, lngField, textField, type RecordKind } from '../record-kind.ts';
import { placeKinds } from './options.ts';

/** Key places (事): schools, hospitals, nursing homes, markets, venues, boats…; name + address is the natural key. */
export const placeKind: RecordKind = {
  entity: 'place',
  path: 'places',
  table: 'key_place',
  label: { zh: '重点场所', en: 'Key places' },
  fields: [
    textField('name', '名称', 'Name', { required: true, aliases: ['场所名称'] }),
    { key: 'kind', zh: '场所类型', en: 'Kind', aliases: ['类型'], type: 'enum', options: placeKinds, required: true },
    textField('address', '地址', 'Address', { required: true }),
    { key: 'crowded', zh: '人员密集', en: 'Crowded', aliases: ['人员密集场所'], type: 'boolean', default: false },
    textField('contactName', '负责人', 'Contact', { maxLength: 64, aliases: ['联系人'] }),
    { ...lngField, required: true },
    { ...latField, required: true },
  ],
  typeColumn: 'kind',
  naturalKey: {
    field: () => 'name',
    of: (v) => (typeof v.name === 'string' && typeof v.address === 'string' ? `${v.name}\u001f${v.address}` : null),
  },

  toColumns(input) {
    const values: Record<string, unknown> = {};
    copyText(input, values, { name: 'name', address: 'address', contactName: 'contact_name' });
    copyValues(input, values, { kind: 'kind', crowded: 'crowded' });
    return { values, issues: [] };
  },

  present: (r) => ({ name: r.name, kind: r.kind, address: r.address, crowded: r.crowded, contactName: r.contact_name }),
  mapProperties: (r) => ({ kind: r.kind as string, name: r.name as string }),
};
