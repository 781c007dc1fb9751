import type { MessageKey, MessageParams } from '../i18n/messages.ts';

export interface FieldError {
  /** JSON-pointer-like path of the failing field, e.g. `/username` or `/query/pageSize`. */
  field: string;
  code: string;
  params?: MessageParams;
}

/**
 * The one error type services throw. `code` is stable and documented; the message is produced
 * per request in the caller's language by the problem+json handler.
 */
export class AppError extends Error {
  constructor(
    readonly code: MessageKey,
    readonly status: number,
    readonly params: MessageParams = {},
    readonly fields: FieldError[] = [],
  ) {
    super(code);
    this.name = 'AppError';
  }
}

export const notFound = () => new AppError('NOT_FOUND', 404);
export const forbidden = (permission: string) => new AppError('FORBIDDEN', 403, { permission });
export const conflict = () => new AppError('CONFLICT', 409);
export const alreadyExists = (entity: 'user' | 'role' | 'organization' | 'division' | 'token', value: string) =>
  new AppError('ALREADY_EXISTS', 409, { entity, value });
export const invalidReference = (field: string) =>
  new AppError('INVALID_REFERENCE', 400, { field }, [{ field, code: 'INVALID_REFERENCE' }]);
