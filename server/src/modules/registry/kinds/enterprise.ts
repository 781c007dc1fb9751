import { copyText, copyValues, latField, lngField, textField, type FieldIssue, type RecordKind } from '../record-kind.ts';
import { parseCreditCode } from '../validators/credit-code.ts';
import { encryptPhone } from './personal-fields.ts';
import { enterpriseKinds } from './options.ts';

/** Enterprises, individual businesses and shops (企): the unified social credit code is the natural key. */
export const enterpriseKind: RecordKind = {
  entity: 'enterprise',
  path: 'enterprises',
  table: 'enterprise',
  label: { zh: '企业商铺', en: 'Enterprises' },
  fields: [
    textField('name', '名称', 'Name', { required: true, aliases: ['企业名称', '单位名称', '店名', '商铺名称'] }),
    textField('creditCode', '统一社会信用代码', 'Credit code', { required: true, maxLength: 32, aliases: ['信用代码', '社会信用代码'] }),
    { key: 'kind', zh: '类型', en: 'Kind', aliases: ['企业类型'], type: 'enum', options: enterpriseKinds, default: 'company' },
    textField('industry', '行业', 'Industry', { maxLength: 64 }),
    textField('legalRep', '法定代表人', 'Legal representative', { maxLength: 64, aliases: ['经营者', '负责人', '法人'] }),
    textField('phone', '联系电话', 'Phone', { maxLength: 32, aliases: ['电话', '手机号'], personal: true }),
    textField('address', '地址', 'Address', { required: true, aliases: ['经营地址', '住所'] }),
    { ...lngField, required: true },
    { ...latField, required: true },
  ],
  typeColumn: 'kind',
  naturalKey: { field: () => 'creditCode', of: (v) => (v.credit_code as string | undefined) ?? null },

  toColumns(input, ctx) {
    const values: Record<string, unknown> = {};
    const issues: FieldIssue[] = [];
    copyText(input, values, { name: 'name', industry: 'industry', legalRep: 'legal_rep', address: 'address' });
    copyValues(input, values, { kind: 'kind' });
    if (typeof input.creditCode === 'string') {
      const parsed = parseCreditCode(input.creditCode);
      if (parsed.ok) values.credit_code = parsed.value;
      else issues.push({ field: 'creditCode', code: parsed.code });
    }
    encryptPhone(input.phone, ctx, values, issues);
    return { values, issues };
  },

  present: (r) => ({
    name: r.name,
    creditCode: r.credit_code,
    kind: r.kind,
    industry: r.industry,
    legalRep: r.legal_rep,
    phone: r.phone_masked,
    address: r.address,
  }),
  mapProperties: (r) => ({ kind: r.kind as string, name: r.name as string }),
};
