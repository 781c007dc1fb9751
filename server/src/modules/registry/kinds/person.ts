import { Type } from 'typebox';
import { maskIdNumber } from '../../../privacy/masking.ts';
import { copyText, copyValues, latField, lngField, textField, type FieldIssue, type RecordKind } from '../record-kind.ts';
import { parseIdNumber } from '../validators/id-number.ts';
import { encryptPhone } from './personal-fields.ts';
import { relations, residenceTypes } from './options.ts';

/**
 * People (人): identity (ID number encrypted, gender and birth date derived from it), household and
 * house, residence type and special-care tags. Located at their own coordinates or at their house's.
 */
export const personKind: RecordKind = {
  entity: 'person',
  path: 'people',
  table: 'person',
  label: { zh: '人口', en: 'People' },
  fields: [
    textField('name', '姓名', 'Name', { required: true, maxLength: 64 }),
    textField('idNumber', '身份证号', 'ID number', { required: true, maxLength: 32, aliases: ['身份证号码', '公民身份号码', '证件号码'], personal: true }),
    textField('phone', '联系电话', 'Phone', { maxLength: 32, aliases: ['手机号', '手机号码', '电话'], personal: true }),
    textField('householdNo', '户号', 'Household number', { maxLength: 32 }),
    { key: 'relation', zh: '与户主关系', en: 'Relation to head', type: 'enum', options: relations },
    { key: 'residenceType', zh: '居住类型', en: 'Residence type', aliases: ['人口类型'], type: 'enum', options: residenceTypes, default: 'registered' },
    { key: 'tags', zh: '特殊人群标签', en: 'Tags', aliases: ['人群标签', '标签'], type: 'tags', dictionary: 'person_tag', default: [] },
    textField('houseAddress', '房屋地址', 'House address', { aliases: ['住址', '居住地址', '现住址'] }),
    textField('room', '房间号', 'Room', { maxLength: 32 }),
    lngField,
    latField,
  ],
  locatedByHouse: true,
  typeColumn: 'residence_type',
  naturalKey: { field: () => 'idNumber', of: (v) => (v.id_number_idx as string | undefined) ?? null },

  toColumns(input, ctx) {
    const values: Record<string, unknown> = {};
    const issues: FieldIssue[] = [];
    copyText(input, values, { name: 'name', room: 'room' });
    copyValues(input, values, { relation: 'relation', residenceType: 'residence_type', tags: 'tags' });
    if (typeof input.idNumber === 'string') {
      const parsed = parseIdNumber(input.idNumber, ctx.today);
      if (!parsed.ok) issues.push({ field: 'idNumber', code: parsed.code });
      else {
        const { value, gender, birthDate } = parsed.id;
        values.id_number_enc = ctx.cipher.encrypt(value);
        values.id_number_idx = ctx.cipher.blindIndex('id-number', value);
        values.id_number_masked = maskIdNumber(value);
        values.gender = gender;
        values.birth_date = birthDate;
      }
    }
    encryptPhone(input.phone, ctx, values, issues);
    return { values, issues };
  },

  viewExtras: {
    gender: Type.String(),
    birthDate: Type.String(),
    householdId: Type.Union([Type.Integer(), Type.Null()]),
    houseId: Type.Union([Type.Integer(), Type.Null()]),
  },
  present: (r) => ({
    name: r.name,
    idNumber: r.id_number_masked,
    phone: r.phone_masked,
    gender: r.gender,
    birthDate: r.birth_date,
    householdId: r.household_id,
    householdNo: r.household_no,
    relation: r.relation,
    residenceType: r.residence_type,
    tags: r.tags,
    houseId: r.house_id,
    houseAddress: r.house_address,
    room: r.room,
  }),
  mapProperties: (r) => ({ kind: r.residence_type as string, name: null }),
};
