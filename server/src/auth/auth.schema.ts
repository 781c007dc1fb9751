import { Type } from 'typebox';
import { StringEnum } from '../http/pagination.ts';

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);

export const ChangePasswordBody = Type.Object(
  {
    currentPassword: Type.String({ minLength: 1, maxLength: 128 }),
    newPassword: Type.String({ minLength: 1, maxLength: 128 }),
  },
  { additionalProperties: false },
);

export const Me = Type.Object({
  user: Type.Object({
    id: Type.Integer(),
    username: Type.String(),
    displayName: Type.String(),
    divisionCode: Type.String(),
    divisionName: Type.String(),
    organizationId: Type.Union([Type.Integer(), Type.Null()]),
    organizationName: Type.Union([Type.String(), Type.Null()]),
    roles: Type.Array(Type.String()),
    locale: StringEnum(['zh-CN', 'en']),
  }),
  permissions: Type.Array(Type.String()),
  dataScope: StringEnum(['division', 'grid', 'organization', 'self']),
  /** The roots of the area the user may see: their division, or the unit grids they serve. */
  scopeDivisionCodes: Type.Array(Type.String()),
  csrfToken: Type.String(),
  sessionIdleMinutes: Type.Integer(),
});
