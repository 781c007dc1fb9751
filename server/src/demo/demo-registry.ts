import type { Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { geometryBBox, type LayerShape } from '../gis/polygon.ts';
import { SpatialIndex } from '../gis/spatial-index.ts';
import { loadConfig } from '../config.ts';
import { FieldCipher } from '../privacy/field-cipher.ts';
import { loadDataKey } from '../privacy/data-key.ts';
import { maskIdNumber, maskPhone } from '../privacy/masking.ts';
import { registryRepo } from '../modules/registry/registry.service.ts';
import { idNumberCheckCharacter } from '../modules/registry/validators/id-number.ts';
import { creditCodeCheckCharacter } from '../modules/registry/validators/credit-code.ts';
import { demoOutlines } from './demo-boundaries.ts';
import type { DemoVillage } from './demo-town.ts';
import { seededRandom } from './random.ts';

/**
 * The demo town's base registry, deterministic: at full scale 50,000+ people in ~17,000 households
 * living in ~9,000 houses, 3,000 enterprises and shops, 150 key places, 4,135 cameras (80 with video
 * AI) and 600 sensors of eleven kinds, every one at a random point inside a unit grid. ID numbers
 * (GB 11643) and credit codes (GB 32100) carry valid check characters; names are plausible, not real.
 * `scale` shrinks every count (tests use a fiftieth).
 */
export interface DemoRegistryOptions {
  scale: number;
  cipher: FieldCipher;
}

const full = { houses: 9_000, people: 50_000, enterprises: 3_000, cameras: 4_135, aiCameras: 80, sensors: 600 };
/** A fixed "now" so that the demo is the same on every machine (ages, device heartbeats). */
const demoNow = Date.UTC(2026, 10, 26, 8, 0, 0);
const rowsPerInsert = 1000;

type Random = ReturnType<typeof seededRandom>;
type Row = Record<string, unknown>;

const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦傅方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤'.split('');
const givenChars = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰红梅建国志文斌辉亮海燕鹏飞宇浩然思雨欣怡子涵梓轩佳琪晨阳俊凯雪琳嘉诚婷慧宁波博峰晓东立新春'.split('');
const roads = ['古林路', '布政路', '薛家路', '蜃蛟路', '新虹路', '广德湖路', '岳童路', '茂新路', '仲一路', '戴家路', '葑水港路', '前虞路', '西洋港路', '龙三路', '官山路', '晴江路', '石马塘路', '虹星路', '藕缆桥路', '礼嘉桥路'];
/** Home regions of floating residents (GB/T 2260 county codes from provinces that send many workers to Ningbo). */
const migrantRegions = ['341221', '341222', '511623', '511025', '522121', '522425', '420621', '431121', '362329', '410526', '530381', '612426'];
const industries = ['机械', '电器', '服装', '五金', '塑料', '模具', '食品', '纺织', '汽配', '包装', '电子', '家具'];
const shopWords = ['超市', '便利店', '小吃店', '面馆', '理发店', '五金店', '水果店', '药房', '快递驿站', '维修店'];
const placeCounts: [kind: string, count: number, crowded: boolean, names: string[]][] = [
  ['school', 15, true, ['小学', '中学', '幼儿园']],
  ['hospital', 12, true, ['卫生院', '社区卫生服务站', '诊所']],
  ['nursing_home', 10, true, ['敬老院', '居家养老服务中心']],
  ['market', 20, true, ['农贸市场', '商贸城']],
  ['entertainment', 45, true, ['KTV', '网吧', '棋牌室', '足浴店']],
  ['boat', 30, false, ['渡船', '渔船', '游船']],
  ['amusement', 18, true, ['儿童乐园', '游乐场']],
];
const sensorKinds = ['smoke', 'combustible_gas', 'water_level', 'manhole_cover', 'electrical_fire', 'hydrant_pressure', 'temperature_humidity', 'noise', 'air_quality', 'structural_tilt', 'door_magnet'];
const sensorNames: Record<string, string> = {
  smoke: '烟感', combustible_gas: '燃气报警器', water_level: '水位计', manhole_cover: '井盖传感器', electrical_fire: '电气火灾监测器', hydrant_pressure: '消防栓水压计',
  temperature_humidity: '温湿度计', noise: '噪声监测仪', air_quality: '空气质量监测站', structural_tilt: '倾斜监测仪', door_magnet: '门磁',
};

const personName = (random: Random, surname = random.pick(surnames)) => surname + random.pick(givenChars) + (random.next() < 0.7 ? random.pick(givenChars) : '');
const mobile = (random: Random) => `1${random.pick(['3', '5', '7', '8', '9'])}${String(random.int(0, 999_999_999)).padStart(9, '0')}`;
const pad = (n: number, width: number) => String(n).padStart(width, '0');

/** Random points inside one unit grid: bbox samples kept when the grid index puts them in that grid. */
export function pointPicker(villages: DemoVillage[], random: Random) {
  const shapes: LayerShape[] = [...demoOutlines(villages).grids].map(([code, geometry]) => ({ code, geometry, bbox: geometryBBox(geometry) }));
  const index = new SpatialIndex(shapes);
  const byCode = new Map(shapes.map((s) => [s.code, s]));
  return (gridCode: string) => {
    const [minLng, minLat, maxLng, maxLat] = byCode.get(gridCode)!.bbox;
    for (;;) {
      const lng = Math.round((minLng + random.next() * (maxLng - minLng)) * 1e6) / 1e6;
      const lat = Math.round((minLat + random.next() * (maxLat - minLat)) * 1e6) / 1e6;
      if (index.locate(lng, lat)?.code === gridCode) return { lng, lat, grid_code: gridCode, division_code: gridCode };
    }
  };
}

/** GB 11643 numbers, unique within the demo: region + birth date + sequence (odd male, even female) + check. */
function idNumbers(random: Random) {
  const used = new Set<string>();
  return (region: string, birth: Date, gender: 'M' | 'F') => {
    const date = `${birth.getUTCFullYear()}${pad(birth.getUTCMonth() + 1, 2)}${pad(birth.getUTCDate(), 2)}`;
    for (;;) {
      const sequence = random.int(0, 499) * 2 + (gender === 'M' ? 1 : 0);
      const first17 = `${region}${date}${pad(sequence, 3)}`;
      const id = first17 + idNumberCheckCharacter(first17);
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
  };
}

/** GB 32100 codes: authority 9 (industry and commerce), category 1 company / 2 individual, region, GB 11714 organisation code. */
function creditCodes(random: Random) {
  const used = new Set<string>();
  const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
  const orgWeights = [3, 7, 9, 10, 5, 8, 4, 2];
  return (category: '1' | '2') => {
    for (;;) {
      const body = Array.from({ length: 8 }, () => alphabet[random.int(0, 9) + (random.next() < 0.2 ? random.int(0, 20) : 0)]!).join('');
      const sum = [...body].reduce((s, c, i) => s + alphabet.indexOf(c) * orgWeights[i]!, 0);
      const orgCheck = (11 - (sum % 11)) % 11;
      const first17 = `9${category}330203${body}${orgCheck === 10 ? 'X' : String(orgCheck)}`;
      // X is not in the GB 32100 alphabet: draw again rather than emit an invalid code.
      if (first17.includes('X')) continue;
      const code = first17 + creditCodeCheckCharacter(first17);
      if (!used.has(code)) {
        used.add(code);
        return code;
      }
    }
  };
}

function birthDate(random: Random, age: number): Date {
  const start = Date.UTC(new Date(demoNow).getUTCFullYear() - age - 1, 0, 1);
  return new Date(start + random.int(0, 364) * 86_400_000);
}

export async function seedDemoRegistry(trx: Transaction<DB>, villages: DemoVillage[], options: DemoRegistryOptions): Promise<void> {
  const random = seededRandom(330203103);
  const count = (n: number) => Math.max(1, Math.round(n * options.scale));
  const gridCodes = villages.flatMap((v) => v.gridCodes);
  const villageName = new Map(villages.flatMap((v) => v.gridCodes.map((g) => [g, v.name])));
  const pointIn = pointPicker(villages, random);
  const randomGrid = () => random.pick(gridCodes);
  const addressNumbers = new Map<string, number>();
  /** A unique street address in the grid's village: 岳童村岳童路 17 号. */
  const addressIn = (gridCode: string) => {
    const road = `${villageName.get(gridCode)}${roads[Number(gridCode.slice(9, 12)) % roads.length]}`;
    const n = (addressNumbers.get(road) ?? 0) + random.int(1, 3);
    addressNumbers.set(road, n);
    return `${road}${n}号`;
  };
  const { cipher } = options;
  const encryptPhone = (phone: string) => ({ phone_enc: cipher.encrypt(phone), phone_idx: cipher.blindIndex('phone', phone), phone_masked: maskPhone(phone) });

  // Houses.
  const houses = Array.from({ length: count(full.houses) }, () => {
    const grid = randomGrid();
    const roll = random.next();
    const use = roll < 0.68 ? 'residential' : roll < 0.9 ? 'rental' : roll < 0.95 ? 'shop' : roll < 0.98 ? 'mixed' : 'factory';
    return { address: addressIn(grid), owner_name: personName(random), use_type: use, floors: random.int(1, use === 'factory' ? 4 : 6), ...pointIn(grid) };
  });
  await registryRepo.insertMany(trx, 'house', houses, rowsPerInsert);
  const houseIds = await registryRepo.housesByAddress(trx, houses.map((h) => h.address));

  // Households and their members, until the town has its population.
  const newId = idNumbers(random);
  const households: Row[] = [];
  const people: (Row & { household_no: string })[] = [];
  for (let n = 1; people.length < count(full.people); n++) {
    const house = houses[n <= houses.length ? n - 1 : random.int(0, houses.length - 1)]!;
    const householdNo = `GL${pad(n, 6)}`;
    const room = house.use_type === 'rental' ? `${random.int(1, house.floors)}0${random.int(1, 6)}` : null;
    households.push({ household_no: householdNo, address: room ? `${house.address}${room}室` : house.address, house_id: houseIds.get(house.address)!.id, lng: house.lng, lat: house.lat, grid_code: house.grid_code, division_code: house.division_code });
    const floating = house.use_type === 'rental' && random.next() < 0.8;
    const residence = floating ? (random.next() < 0.6 ? 'floating' : 'rented') : 'registered';
    const region = floating ? random.pick(migrantRegions) : '330203';
    const roll = random.next();
    const size = roll < 0.15 ? 1 : roll < 0.4 ? 2 : roll < 0.7 ? 3 : roll < 0.88 ? 4 : roll < 0.96 ? 5 : 6;
    const surname = random.pick(surnames);
    const headAge = size === 1 && random.next() < 0.5 ? random.int(65, 92) : random.int(28, 75);
    const headGender: 'M' | 'F' = random.next() < 0.75 ? 'M' : 'F';
    const members: { relation: string; age: number; gender: 'M' | 'F'; surname: string }[] = [{ relation: 'head', age: headAge, gender: headGender, surname }];
    if (size >= 2) members.push({ relation: 'spouse', age: Math.max(20, headAge + random.int(-5, 5)), gender: headGender === 'M' ? 'F' : 'M', surname: random.pick(surnames) });
    for (let k = 2; k < size; k++) {
      const relation = k === 5 ? 'parent' : k >= 4 && random.next() < 0.5 ? 'other' : 'child';
      const age = relation === 'parent' ? Math.min(100, headAge + random.int(22, 32)) : relation === 'child' ? Math.max(0, headAge - random.int(22, 34)) : random.int(5, 70);
      members.push({ relation, age, gender: random.next() < 0.5 ? 'M' : 'F', surname: relation === 'child' ? surname : random.pick(surnames) });
    }
    for (const m of members) {
      const id = newId(region, birthDate(random, m.age), m.gender);
      const tags: string[] = [];
      if (size === 1 && m.age >= 65) tags.push('elderly_alone');
      if (random.next() < 0.02) tags.push('disabled');
      if (residence === 'registered' && random.next() < 0.02) tags.push('low_income');
      if (m.age >= 14 && m.age <= 25 && random.next() < 0.03) tags.push('key_youth');
      if (m.age < 16 && residence === 'registered' && random.next() < 0.02) tags.push('left_behind_child');
      if (m.gender === 'M' && m.age >= 40 && random.next() < 0.04) tags.push('veteran');
      const phone = m.age >= 16 && random.next() < 0.92 ? mobile(random) : null;
      people.push({
        name: personName(random, m.surname),
        id_number_enc: cipher.encrypt(id),
        id_number_idx: cipher.blindIndex('id-number', id),
        id_number_masked: maskIdNumber(id),
        ...(phone ? encryptPhone(phone) : { phone_enc: null, phone_idx: null, phone_masked: null }),
        gender: m.gender,
        birth_date: `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`,
        household_no: householdNo,
        relation: m.relation,
        residence_type: residence,
        tags,
        house_id: houseIds.get(house.address)!.id,
        room,
        lng: house.lng,
        lat: house.lat,
        grid_code: house.grid_code,
        division_code: house.division_code,
      });
    }
  }
  const householdIds = await registryRepo.insertHouseholds(trx, households as Parameters<typeof registryRepo.insertHouseholds>[1]);
  await registryRepo.insertMany(trx, 'person', people.map(({ household_no, ...p }) => ({ ...p, household_id: householdIds.get(household_no)! })), rowsPerInsert);
  await registryRepo.refreshHouseholdHeads(trx, [...householdIds.values()]);

  // Enterprises, individual businesses and shops.
  const newCreditCode = creditCodes(random);
  const enterprises = Array.from({ length: count(full.enterprises) }, () => {
    const grid = randomGrid();
    const roll = random.next();
    const kind = roll < 0.45 ? 'company' : roll < 0.8 ? 'individual' : 'shop';
    const owner = personName(random);
    const industry = kind === 'company' ? random.pick(industries) : random.pick(shopWords);
    const name = kind === 'company' ? `宁波${villageName.get(grid)!.slice(0, 2)}${random.pick(givenChars)}${random.pick(givenChars)}${industry}有限公司` : `古林${owner.slice(0, 1)}记${industry}`;
    return { name, credit_code: newCreditCode(kind === 'company' ? '1' : '2'), kind, industry, legal_rep: owner, ...encryptPhone(mobile(random)), address: addressIn(grid), ...pointIn(grid) };
  });
  await registryRepo.insertMany(trx, 'enterprise', enterprises, rowsPerInsert);

  // Key places.
  const places = placeCounts.flatMap(([kind, n, crowded, names]) =>
    Array.from({ length: count(n) }, (_, i) => {
      const grid = randomGrid();
      return { name: `${villageName.get(grid)}${random.pick(names)}${i + 1}`, kind, address: addressIn(grid), crowded, contact_name: personName(random), ...pointIn(grid) };
    }),
  );
  await registryRepo.insertMany(trx, 'key_place', places, rowsPerInsert);

  // Cameras (GB/T 28181: centre 33020310, industry 00, type 131/132, network 0, serial) and IoT sensors.
  const cameraCount = count(full.cameras);
  const aiCameras = new Set(Array.from({ length: count(full.aiCameras) }, (_, i) => Math.floor((i * cameraCount) / count(full.aiCameras))));
  const lastSeen = (online: boolean) => new Date(demoNow - (online ? random.int(0, 300) : random.int(3_600, 7 * 86_400)) * 1000);
  const devices: Row[] = [];
  for (let i = 0; i < cameraCount; i++) {
    const grid = randomGrid();
    const online = random.next() < 0.95;
    const channel = `3302031000${random.next() < 0.7 ? '132' : '131'}0${pad(i + 1, 6)}`;
    devices.push({ device_type: 'camera', name: `${villageName.get(grid)}${random.pick(roads)}监控${i + 1}`, channel_id: channel, serial_no: null, sensor_kind: null, ai_enabled: aiCameras.has(i), status: online ? 'online' : 'offline', last_seen_at: lastSeen(online), address: addressIn(grid), ...pointIn(grid) });
  }
  for (let i = 0; i < count(full.sensors); i++) {
    const grid = randomGrid();
    const kind = sensorKinds[i % sensorKinds.length]!;
    const online = random.next() < 0.9;
    devices.push({ device_type: 'sensor', name: `${villageName.get(grid)}${sensorNames[kind]}${i + 1}`, channel_id: null, serial_no: `GL-IOT-${pad(i + 1, 5)}`, sensor_kind: kind, ai_enabled: false, status: online ? 'online' : 'offline', last_seen_at: lastSeen(online), address: addressIn(grid), ...pointIn(grid) });
  }
  await registryRepo.insertMany(trx, 'device', devices, rowsPerInsert);
}

/**
 * Full scale unless told otherwise; personal data encrypted with the key the server will use (from
 * GONGZHI_DATA_KEY or `<dataDir>/secret.key`, read from the same environment as the server's config).
 */
export function demoRegistryOptions(given: Partial<DemoRegistryOptions>): DemoRegistryOptions {
  return { scale: given.scale ?? 1, cipher: given.cipher ?? new FieldCipher(loadDataKey(loadConfig(), console)) };
}
