import { describe, expect, it } from 'vitest';
import { idNumberCheckCharacter, parseIdNumber } from './id-number.ts';
import { creditCodeCheckCharacter, parseCreditCode } from './credit-code.ts';
import { parsePhone } from './phone.ts';
import { parseCameraChannelId, parseChannelId } from './gb28181.ts';

const withCheck = (first17: string) => first17 + idNumberCheckCharacter(first17);

describe('ID numbers (GB 11643, ISO 7064 MOD 11-2)', () => {
  it('accepts valid numbers and derives gender and birth date', () => {
    // The standard's published sample, and one of the demo town's region.
    expect(parseIdNumber('11010519491231002X')).toEqual({ ok: true, id: { value: '11010519491231002X', gender: 'F', birthDate: '1949-12-31' } });
    const local = withCheck('33020319850612123');
    expect(parseIdNumber(local)).toEqual({ ok: true, id: { value: local, gender: 'M', birthDate: '1985-06-12' } });
  });

  it('takes a lower-case x and spaces as typed, storing the canonical form', () => {
    expect(parseIdNumber(' 110105 19491231002x ')).toMatchObject({ ok: true, id: { value: '11010519491231002X' } });
  });

  it('names what is wrong', () => {
    expect(parseIdNumber('110105194912310021')).toEqual({ ok: false, code: 'ID_NUMBER_CHECK_DIGIT' });
    expect(parseIdNumber('11010519491231002')).toEqual({ ok: false, code: 'ID_NUMBER_FORMAT' });
    expect(parseIdNumber('1101051949123100X2')).toEqual({ ok: false, code: 'ID_NUMBER_FORMAT' });
    expect(parseIdNumber(withCheck('00010519491231002'))).toEqual({ ok: false, code: 'ID_NUMBER_REGION' });
    expect(parseIdNumber(withCheck('33020319900230001'))).toEqual({ ok: false, code: 'ID_NUMBER_BIRTH_DATE' });
    expect(parseIdNumber(withCheck('33020318991231001'))).toEqual({ ok: false, code: 'ID_NUMBER_BIRTH_DATE' });
    expect(parseIdNumber(withCheck('33020320990101001'), new Date('2026-11-26'))).toEqual({ ok: false, code: 'ID_NUMBER_BIRTH_DATE' });
  });

  it('computes every check character, X for 10', () => {
    expect(idNumberCheckCharacter('11010519491231002')).toBe('X');
    expect(idNumberCheckCharacter('44052418800101001')).toBe('4');
  });
});

describe('unified social credit codes (GB 32100)', () => {
  it('accepts published samples', () => {
    expect(parseCreditCode('91350100M000100Y43')).toEqual({ ok: true, value: '91350100M000100Y43' });
    expect(parseCreditCode('91110000600037341l')).toEqual({ ok: true, value: '91110000600037341L' });
  });

  it('refuses a wrong check character and characters outside the alphabet', () => {
    expect(parseCreditCode('91350100M000100Y44')).toEqual({ ok: false, code: 'CREDIT_CODE_CHECK_DIGIT' });
    expect(parseCreditCode('91350100M000100Y4')).toEqual({ ok: false, code: 'CREDIT_CODE_FORMAT' });
    expect(parseCreditCode('91350100I000100Y43')).toEqual({ ok: false, code: 'CREDIT_CODE_FORMAT' });
    expect(parseCreditCode('9135010AM000100Y43')).toEqual({ ok: false, code: 'CREDIT_CODE_FORMAT' });
  });

  it('check character wraps 31 to 0', () => {
    for (const first17 of ['91350100M000100Y4', '91110000600037341']) expect(parseCreditCode(first17 + creditCodeCheckCharacter(first17)).ok).toBe(true);
  });
});

describe('phone numbers', () => {
  it('accepts mobiles (with +86) and landlines, stored as digits', () => {
    expect(parsePhone('138 1234 5678')).toEqual({ ok: true, value: '13812345678' });
    expect(parsePhone('+86 138-1234-5678')).toEqual({ ok: true, value: '13812345678' });
    expect(parsePhone('0574-87654321')).toEqual({ ok: true, value: '057487654321' });
    expect(parsePhone('010-12345678')).toEqual({ ok: true, value: '01012345678' });
  });

  it('refuses the rest', () => {
    for (const bad of ['12812345678', '1381234567', '138123456789', '87654321', 'abc', '0574-876']) expect(parsePhone(bad)).toEqual({ ok: false, code: 'PHONE_FORMAT' });
  });
});

describe('GB/T 28181 channel ids', () => {
  it('splits a well-formed id into centre, industry, type and serial', () => {
    expect(parseChannelId('33020310001320000001')).toEqual({ ok: true, id: { value: '33020310001320000001', centreCode: '33020310', industryCode: '00', typeCode: '132', serial: '0000001' } });
  });

  it('wants a camera type on cameras and 20 digits with a province', () => {
    expect(parseCameraChannelId('33020310001310000001').ok).toBe(true);
    expect(parseCameraChannelId('33020310001180000001')).toEqual({ ok: false, code: 'CHANNEL_ID_TYPE' });
    expect(parseChannelId('3302031000132000001')).toEqual({ ok: false, code: 'CHANNEL_ID_FORMAT' });
    expect(parseChannelId('99020310001320000001')).toEqual({ ok: false, code: 'CHANNEL_ID_FORMAT' });
    expect(parseChannelId('33020310000010000001')).toEqual({ ok: false, code: 'CHANNEL_ID_FORMAT' });
  });
});
