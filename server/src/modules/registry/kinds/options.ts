import type { EnumOption } from '../record-kind.ts';

/** The closed sets of the registry (their CHECK constraints are in migration 0004), with their labels. */
export const houseUses: readonly EnumOption[] = [
  { value: 'residential', zh: '自住', en: 'Residential' },
  { value: 'rental', zh: '出租', en: 'Rental' },
  { value: 'shop', zh: '商铺', en: 'Shop' },
  { value: 'factory', zh: '厂房', en: 'Factory' },
  { value: 'mixed', zh: '混合', en: 'Mixed' },
];

export const relations: readonly EnumOption[] = [
  { value: 'head', zh: '户主', en: 'Head' },
  { value: 'spouse', zh: '配偶', en: 'Spouse' },
  { value: 'child', zh: '子女', en: 'Child' },
  { value: 'parent', zh: '父母', en: 'Parent' },
  { value: 'other', zh: '其他', en: 'Other' },
];

export const residenceTypes: readonly EnumOption[] = [
  { value: 'registered', zh: '户籍', en: 'Registered' },
  { value: 'floating', zh: '流动', en: 'Floating' },
  { value: 'rented', zh: '租住', en: 'Rented' },
];

export const enterpriseKinds: readonly EnumOption[] = [
  { value: 'company', zh: '企业', en: 'Company' },
  { value: 'individual', zh: '个体工商户', en: 'Individual business' },
  { value: 'shop', zh: '门店', en: 'Shop' },
];

export const placeKinds: readonly EnumOption[] = [
  { value: 'school', zh: '学校', en: 'School' },
  { value: 'hospital', zh: '医院', en: 'Hospital' },
  { value: 'nursing_home', zh: '养老机构', en: 'Nursing home' },
  { value: 'market', zh: '市场', en: 'Market' },
  { value: 'entertainment', zh: '娱乐场所', en: 'Entertainment venue' },
  { value: 'boat', zh: '船舶', en: 'Boat' },
  { value: 'amusement', zh: '游乐设施', en: 'Amusement facility' },
  { value: 'other', zh: '其他', en: 'Other' },
];

export const deviceTypes: readonly EnumOption[] = [
  { value: 'camera', zh: '摄像机', en: 'Camera' },
  { value: 'sensor', zh: '传感器', en: 'Sensor' },
];

export const deviceStatuses: readonly EnumOption[] = [
  { value: 'online', zh: '在线', en: 'Online' },
  { value: 'offline', zh: '离线', en: 'Offline' },
];
