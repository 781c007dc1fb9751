import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';

const Item = Type.Object({ value: Type.String(), labelZh: Type.String(), labelEn: Type.String(), color: Type.Union([Type.String(), Type.Null()]) });

/** Code lists the UI shows as labelled, coloured tags (sources, urgency, statuses…): data, not code. */
export const dictionaryRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get('/api/system/dictionaries', { schema: { tags: ['system: dictionaries'], summary: 'All dictionaries, grouped by type', response: { 200: Type.Object({ items: Type.Record(Type.String(), Type.Array(Item)) }) } } }, async () => {
    const rows = await app.db.selectFrom('dictionary_item').selectAll().orderBy('dict_type').orderBy('sort').execute();
    const items: Record<string, { value: string; labelZh: string; labelEn: string; color: string | null }[]> = {};
    for (const r of rows) (items[r.dict_type] ??= []).push({ value: r.value, labelZh: r.label_zh, labelEn: r.label_en, color: r.color });
    return { items };
  });
};
