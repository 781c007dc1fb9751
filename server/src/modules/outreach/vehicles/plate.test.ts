import { describe, expect, it } from 'vitest';
import { normalisePlate, parsePlate } from './plate.ts';

describe('Chinese plates', () => {
  it('accepts ordinary, small and large new-energy plates, written loosely', () => {
    expect(parsePlate('浙B12345')).toEqual({ ok: true, value: '浙B12345', kind: 'ordinary' });
    expect(parsePlate('浙b·5n821')).toEqual({ ok: true, value: '浙B5N821', kind: 'ordinary' });
    expect(parsePlate('浙Ｂ 1234学')).toEqual({ ok: true, value: '浙B1234学', kind: 'ordinary' });
    expect(parsePlate('浙BD12345')).toEqual({ ok: true, value: '浙BD12345', kind: 'new_energy' });
    expect(parsePlate('浙BFA2345')).toEqual({ ok: true, value: '浙BFA2345', kind: 'new_energy' });
    expect(parsePlate('浙B12345D')).toEqual({ ok: true, value: '浙B12345D', kind: 'new_energy' });
    expect(parsePlate('京A-8888F')).toEqual({ ok: true, value: '京A8888F', kind: 'ordinary' });
  });

  it('refuses what is no plate: unknown province, I/O letters, wrong length, new-energy shapes that do not exist', () => {
    for (const bad of ['', '浙B1234', '浙B1234567', '港B12345', '浙I12345', '浙BO1234', '浙1B2345', 'ZJB12345', '浙BZ12345', '浙BD1234A', '浙BF1A234', '浙B12345A', '张三的车']) {
      expect(parsePlate(bad), bad).toEqual({ ok: false, code: 'PLATE_FORMAT' });
    }
  });

  it('normalises separators, case and full-width characters', () => {
    expect(normalisePlate(' 浙ｂ·ｄ 12345 ')).toBe('浙BD12345');
  });
});
