import { Type, type Static } from 'typebox';
import { PageQuery, StringEnum } from '../../http/pagination.ts';

const DivisionCode = Type.String({ pattern: '^[0-9]{6}([0-9]{3}([0-9]{3}([0-9]{2})?)?)?$' });
const Username = Type.String({ pattern: '^[a-z0-9_.-]{3,32}$' });
const DisplayName = Type.String({ minLength: 1, maxLength: 64 });
const RoleCodes = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 20, uniqueItems: true });
const UserStatus = StringEnum(['active', 'disabled']);
const Locale = StringEnum(['zh-CN', 'en']);

export const UserListQuery = Type.Intersect([
  PageQuery,
  Type.Object({
    keyword: Type.Optional(Type.String({ maxLength: 64 })),
    divisionCode: Type.Optional(DivisionCode),
    status: Type.Optional(UserStatus),
  }),
]);
export type UserListQuery = Static<typeof UserListQuery>;

export const CreateUserBody = Type.Object(
  {
    username: Username,
    displayName: DisplayName,
    password: Type.String({ minLength: 1, maxLength: 128 }),
    divisionCode: DivisionCode,
    organizationId: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()]),
    roles: RoleCodes,
    locale: Type.Optional(Locale),
  },
  { additionalProperties: false },
);
export type CreateUserBody = Static<typeof CreateUserBody>;

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    divisionCode: Type.Optional(DivisionCode),
    organizationId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    roles: Type.Optional(RoleCodes),
    status: Type.Optional(UserStatus),
    locale: Type.Optional(Locale),
    password: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type UpdateUserBody = Static<typeof UpdateUserBody>;

export const UserView = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  divisionCode: Type.String(),
  divisionName: Type.String(),
  organizationId: Type.Union([Type.Integer(), Type.Null()]),
  organizationName: Type.Union([Type.String(), Type.Null()]),
  status: UserStatus,
  locale: Locale,
  roles: Type.Array(Type.String()),
  lastLoginAt: Type.Union([Type.String(), Type.Null()]),
  lockedUntil: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
});
export type UserView = Static<typeof UserView>;
