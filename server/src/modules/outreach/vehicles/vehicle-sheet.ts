import type { Insertable } from 'kysely';
import type { FieldCipher } from '../../../privacy/field-cipher.ts';
import { maskPhone } from '../../../privacy/masking.ts';
import { textField, type FieldIssue, type SheetKind } from '../../registry/record-kind.ts';
import { parsePhone } from '../../registry/validators/phone.ts';
import type { VehicleOwnerTable } from '../outreach.tables.ts';
import { parsePlate } from './plate.ts';

/** The plate registry's columns, as the import template, the column mapping and the export name them. */
export const vehicleSheet: SheetKind = {
  label: { zh: '车辆登记', en: 'Vehicles' },
  fields: [
    textField('plate', '车牌号', 'Plate', { required: true, maxLength: 16, aliases: ['车牌', '号牌号码', '车牌号码', 'plate number'] }),
    textField('ownerName', '车主姓名', 'Owner', { maxLength: 64, aliases: ['车主', '所有人', '机动车所有人', 'owner name'] }),
    textField('phone', '联系电话', 'Phone', { required: true, maxLength: 32, aliases: ['车主电话', '手机号', '电话'], personal: true }),
    textField('enterpriseCreditCode', '所属企业信用代码', 'Enterprise credit code', { maxLength: 32, aliases: ['所属单位信用代码', '统一社会信用代码', '信用代码'] }),
  ],
};

export const vehicleSheetHints: Record<string, string> = {
  plate: '如 浙B12345、新能源 浙BD12345 / 浙B12345D；空格、“·”可有可无',
  ownerName: '车主或单位名称，可不填（提醒中称“车主”）',
  phone: '11 位手机号或区号-座机号（提醒短信、语音拨打此号码）',
  enterpriseCreditCode: '车辆属于已登记的企业商铺时填写其 18 位统一社会信用代码，须在您的管辖范围内',
};

export interface VehicleInput {
  plate?: string;
  ownerName?: string | null;
  phone?: string;
}

/**
 * Input → columns for the fields present (absent ones are left alone on update); the phone encrypted,
 * blind-indexed and masked as every phone is. Issues name the input field.
 */
export function vehicleColumns(input: VehicleInput, cipher: FieldCipher): { values: Partial<Insertable<VehicleOwnerTable>>; issues: FieldIssue[] } {
  const values: Partial<Insertable<VehicleOwnerTable>> = {};
  const issues: FieldIssue[] = [];
  if (input.plate !== undefined) {
    const plate = parsePlate(input.plate);
    if (plate.ok) values.plate = plate.value;
    else issues.push({ field: 'plate', code: plate.code });
  }
  if (input.ownerName !== undefined) values.owner_name = input.ownerName?.trim() || null;
  if (input.phone !== undefined) {
    const phone = parsePhone(input.phone);
    if (phone.ok) Object.assign(values, { phone_enc: cipher.encrypt(phone.value), phone_idx: cipher.blindIndex('phone', phone.value), phone_masked: maskPhone(phone.value) });
    else issues.push({ field: 'phone', code: phone.code });
  }
  return { values, issues };
}
