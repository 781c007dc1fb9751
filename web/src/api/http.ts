import { ElMessage } from 'element-plus';
import { i18n } from '../i18n';

export interface FieldProblem {
  /** JSON pointer into the request body, e.g. `/username`. */
  field: string;
  code: string;
  message: string;
}

/** A failed API call, from the server's application/problem+json body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly fields: FieldProblem[] = [],
    /** The whole problem body: some routes add members (an import's row report). */
    readonly problem: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

type Query = Record<string, string | number | boolean | null | undefined>;

interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** The caller shows the error itself: no toast, no redirect to the sign-in page. */
  quiet?: boolean;
}

interface HttpHooks {
  csrfToken: () => string;
  onUnauthenticated: () => void;
}

let hooks: HttpHooks = { csrfToken: () => '', onUnauthenticated: () => {} };

/** Wired once in main.ts, so this module needs neither the store nor the router. */
export function configureHttp(value: HttpHooks) {
  hooks = value;
}

const unsafeMethods = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const signInAgain = new Set(['NOT_AUTHENTICATED', 'SESSION_EXPIRED']);

function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(key, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

async function send(method: string, path: string, options: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Accept-Language': i18n.global.locale.value };
  // A FormData body (file uploads) sets its own multipart Content-Type with the boundary.
  const form = options.body instanceof FormData;
  if (options.body !== undefined && !form) headers['Content-Type'] = 'application/json';
  if (unsafeMethods.has(method)) headers['X-CSRF-Token'] = hooks.csrfToken();
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: form ? (options.body as FormData) : options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw report(new ApiError(0, 'NETWORK', i18n.global.t('error.network')), options);
  }
  if (!response.ok) throw report(await toApiError(response), options);
  return response;
}

async function toApiError(response: Response): Promise<ApiError> {
  const type = response.headers.get('content-type') ?? '';
  if (type.includes('json')) {
    try {
      const problem = (await response.json()) as { code?: string; detail?: string; fields?: FieldProblem[] };
      if (problem.code && problem.detail) return new ApiError(response.status, problem.code, problem.detail, problem.fields ?? [], problem);
    } catch {
      // Not JSON after all: fall through to the generic message.
    }
  }
  return new ApiError(response.status, 'UNEXPECTED', i18n.global.t('error.unexpected', { status: response.status }));
}

function report(error: ApiError, options: RequestOptions): ApiError {
  if (options.quiet) return error;
  if (error.status === 401 && signInAgain.has(error.code)) hooks.onUnauthenticated();
  ElMessage({ type: 'error', message: error.detail, grouping: true });
  return error;
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const response = await send(method, path, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export const http = {
  get: <T>(path: string, query?: Query, options: Omit<RequestOptions, 'query' | 'body'> = {}) => request<T>('GET', path, { ...options, query }),
  post: <T>(path: string, body?: unknown, options: Omit<RequestOptions, 'body'> = {}) => request<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body: unknown) => request<T>('PATCH', path, { body }),
  put: <T>(path: string, body: unknown) => request<T>('PUT', path, { body }),
  delete: (path: string) => request<void>('DELETE', path),
};

/** Uploads one file as the multipart field `file`. */
export function uploadFile<T>(path: string, file: Blob, options: Omit<RequestOptions, 'body'> = {}): Promise<T> {
  const body = new FormData();
  body.append('file', file, file instanceof File ? file.name : 'file');
  return request<T>('POST', path, { ...options, body });
}

/** Saves a file the server generates (exports), keeping the server's file name. */
export async function download(path: string, query: Query = {}): Promise<void> {
  const response = await send('GET', path, { query });
  const blob = await response.blob();
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName(response.headers.get('content-disposition')) ?? path.split('/').pop() ?? 'export';
  link.click();
  // Revoking synchronously can cancel the download in some browsers.
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

function fileName(disposition: string | null): string | null {
  if (!disposition) return null;
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (encoded?.[1]) return decodeURIComponent(encoded[1]);
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain?.[1] ?? null;
}
