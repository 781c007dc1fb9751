import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { issueApiToken } from '../auth/api-tokens.ts';
import { tokenScopeBundles } from '../modules/permission-catalog.ts';
import type { AttributeDatatype, AttributeOption } from '../modules/open311/open311.tables.ts';

/**
 * The demo town's Open311 partner key. It is published in the README so that anyone can try the API
 * against a fresh `npm start`: acceptable for a demo town, never for a real deployment (issue real
 * keys with `gongzhi token create --scope open311`).
 */
export const demoOpen311Key = 'gzt_open311-demo-guling-2026';

type Seed = { code: string; datatype: AttributeDatatype; required?: boolean; variable?: boolean; description: [string, string]; values?: [string, string, string][] };

/** A few service definitions as a town might write them: the questions a dispatcher would otherwise phone back for. */
const attributes: Record<string, Seed[]> = {
  // 机动车乱停放: what is blocked decides the urgency.
  E0505: [
    { code: 'blocking', datatype: 'singlevaluelist', required: true, description: ['堵塞了什么', 'What is blocked'], values: [['fire_lane', '消防通道', 'Fire lane'], ['sidewalk', '人行道', 'Sidewalk'], ['entrance', '出入口', 'Entrance or driveway'], ['none', '未堵塞', 'Nothing']] },
    { code: 'plate', datatype: 'string', description: ['车牌号（如能看清）', 'Licence plate, if readable'] },
    { code: 'vehicles', datatype: 'number', description: ['车辆数', 'Number of vehicles'] },
  ],
  // 暴露垃圾: how much decides who is sent (a cleaner or a truck).
  E0102: [
    { code: 'volume', datatype: 'singlevaluelist', required: true, description: ['垃圾量', 'How much'], values: [['bag', '一两袋', 'A bag or two'], ['pile', '一小堆', 'A small pile'], ['heap', '大量堆积', 'A large heap']] },
    { code: 'kinds', datatype: 'multivaluelist', description: ['垃圾种类', 'What kind'], values: [['household', '生活垃圾', 'Household waste'], ['construction', '建筑垃圾', 'Construction debris'], ['bulky', '大件废弃物', 'Bulky items'], ['hazardous', '有害垃圾（电池、灯管等）', 'Hazardous waste (batteries, lamps)']] },
  ],
  // 路灯: the pole number finds the lamp.
  C0118: [
    { code: 'fault', datatype: 'singlevaluelist', required: true, description: ['故障情况', 'Fault'], values: [['dark', '不亮', 'Not lit'], ['flicker', '闪烁', 'Flickering'], ['daytime', '白天常亮', 'On in daytime'], ['damaged', '灯具或灯杆损坏', 'Lamp or pole damaged']] },
    { code: 'pole_number', datatype: 'string', description: ['灯杆编号（杆身铭牌）', 'Pole number (plate on the pole)'] },
    { code: 'noticed_at', datatype: 'datetime', description: ['发现时间', 'When noticed'] },
  ],
  // 施工扰民: information first, then when it started.
  E0301: [
    { code: 'night_rule', datatype: 'text', variable: false, description: ['夜间（22:00 至次日 6:00）施工须持夜间施工许可；如有危险请拨打 110。', 'Night work (22:00–06:00) needs a permit; call 110 in danger.'] },
    { code: 'started_at', datatype: 'datetime', required: true, description: ['施工开始时间', 'When the work started'] },
  ],
};

export async function seedDemoOpen311(trx: Kysely<DB> | Transaction<DB>, townCode: string): Promise<void> {
  await trx
    .insertInto('open311_attribute')
    .values(
      Object.entries(attributes).flatMap(([categoryCode, seeds]) =>
        seeds.map((seed, i) => ({
          category_code: categoryCode,
          code: seed.code,
          variable: seed.variable ?? true,
          datatype: seed.datatype,
          required: seed.required ?? false,
          sort: i + 1,
          description: seed.description[0],
          description_en: seed.description[1],
          options: JSON.stringify((seed.values ?? []).map(([key, name, nameEn]): AttributeOption => ({ key, name, nameEn }))),
        })),
      ),
    )
    .execute();
  await issueApiToken(trx, { name: 'Open311 演示合作方 (demo partner)', scopes: [...tokenScopeBundles.open311!], divisionCode: townCode, createdBy: null, expiresAt: null }, demoOpen311Key);
}
