import { http, type Page } from './http';

/** Shapes of server/src/notify/notify.schema.ts. */
export interface Notice {
  id: number;
  kind: string;
  params: Record<string, string | number>;
  /** In the language the request asked for. */
  text: string;
  entityType: string | null;
  entityId: string | null;
  createdAt: string;
  readAt: string | null;
}

export type NoticePage = Page<Notice> & { unread: number };

export const noticesApi = {
  list: (query: { page: number; pageSize: number; unread?: boolean }) => http.get<NoticePage>('/api/notices', { ...query, unread: query.unread || undefined }),
  unreadCount: () => http.get<{ count: number }>('/api/notices/unread-count').then((r) => r.count),
  read: (id: number) => http.post<{ id: number; readAt: string }>(`/api/notices/${id}/read`),
  readAll: () => http.post<{ count: number }>('/api/notices/read-all'),
};
