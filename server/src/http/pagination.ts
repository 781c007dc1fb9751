import { Type, type Static, type TSchema } from 'typebox';

/** Page pagination, the same on every list route: `?page=1&pageSize=20` → `{ items, total, page, pageSize }`. */
export const PageQuery = Type.Object({
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 100000 })),
  pageSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
});
export type PageQuery = Static<typeof PageQuery>;

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    page: Type.Integer(),
    pageSize: Type.Integer(),
  });

export function pageWindow(query: PageQuery) {
  const page = query.page ?? 1;
  const pageSize = query.pageSize ?? 20;
  return { page, pageSize, offset: (page - 1) * pageSize, limit: pageSize };
}

/** A closed set of strings, validated as a JSON-Schema `enum` (one clear error naming the allowed values). */
export const StringEnum = <const T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) =>
  Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
