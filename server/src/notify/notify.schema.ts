import { Type, type Static } from 'typebox';
import { PageQuery } from '../http/pagination.ts';

const Nullable = <T extends ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

export const NoticeQuery = Type.Intersect([PageQuery, Type.Object({ unread: Type.Optional(Type.Boolean()) })]);
export type NoticeQuery = Static<typeof NoticeQuery>;

export const NoticeView = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()])),
  /** The notice in the caller's language. */
  text: Type.String(),
  entityType: Nullable(Type.String()),
  entityId: Nullable(Type.String()),
  createdAt: Type.String(),
  readAt: Nullable(Type.String()),
});

export const NoticePage = Type.Object({
  items: Type.Array(NoticeView),
  total: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  unread: Type.Integer(),
});

export const UnreadCount = Type.Object({ count: Type.Integer() });
export const ReadResult = Type.Object({ id: Type.Integer(), readAt: Type.String() });
export const ReadAllResult = Type.Object({ count: Type.Integer() });
