/**
 * Server-side messages: problem+json details, validation messages and notification texts.
 * Keys are stable codes; `{name}` placeholders are filled from the error's params.
 */
export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];

const zhCN = {
  // problem+json details
  VALIDATION_FAILED: '请求参数不正确，请检查标出的字段',
  MALFORMED_JSON: '请求内容不是有效的 JSON',
  BODY_TOO_LARGE: '请求内容过大',
  UNSUPPORTED_MEDIA_TYPE: '不支持的请求内容类型',
  NOT_AUTHENTICATED: '请先登录',
  SESSION_EXPIRED: '登录已超时，请重新登录',
  INVALID_CREDENTIALS: '用户名或密码错误',
  ACCOUNT_LOCKED: '账号因多次登录失败已锁定，请于 {until} 后再试',
  ACCOUNT_DISABLED: '账号已停用，请联系管理员',
  PASSWORD_POLICY: '密码不符合要求：至少 {minLength} 位，且包含大写字母、小写字母、数字和符号中的三类，不得包含用户名',
  CSRF_FAILED: '请求校验失败（CSRF），请刷新页面后重试',
  FORBIDDEN: '没有执行此操作的权限（{permission}）',
  TOKEN_INVALID: '接口令牌无效、已过期或已吊销',
  TOKEN_SCOPE: '接口令牌没有此操作的授权范围（{scope}）',
  NOT_FOUND: '记录不存在或无权查看',
  ROUTE_NOT_FOUND: '接口不存在',
  ALREADY_EXISTS: '{entity}已存在：{value}',
  CONFLICT: '记录已被他人修改，请刷新后重试',
  RATE_LIMITED: '请求过于频繁，请稍后再试',
  DATA_DIR_LOCKED: '数据目录已被进程 {pid}（{host}）占用，锁文件：{lockPath}。同一数据目录只能由一个进程打开。',
  FILE_TOO_LARGE: '文件过大，上限为 {limit}',
  FILE_TYPE_NOT_ALLOWED: '不支持的文件类型（{mime}），允许：{allowed}',
  FILE_MISSING: '请选择要上传的文件',
  INVALID_REFERENCE: '{field} 引用的记录不存在或不在您的管辖范围内',
  OUT_OF_SCOPE: '{field} 不在您的管辖范围内',
  REVEAL_LIMIT: '今日查看完整个人信息的次数已达上限（{limit} 次）',
  INTERNAL: '服务器内部错误，请稍后重试',
  // validation keywords
  'validation.required': '必填项',
  'validation.additionalProperties': '不允许的字段',
  'validation.type': '类型应为 {type}',
  'validation.minLength': '长度至少 {limit}',
  'validation.maxLength': '长度不能超过 {limit}',
  'validation.minimum': '不能小于 {limit}',
  'validation.maximum': '不能大于 {limit}',
  'validation.pattern': '格式不正确',
  'validation.format': '格式应为 {format}',
  'validation.enum': '取值应为：{allowed}',
  'validation.minItems': '至少 {limit} 项',
  'validation.maxItems': '最多 {limit} 项',
  'validation.uniqueItems': '不能有重复项',
  'validation.other': '取值不正确',
  // entities named in messages
  'entity.user': '用户',
  'entity.role': '角色',
  'entity.organization': '组织',
  'entity.division': '行政区划',
  'entity.token': '接口令牌',
} as const;

export type MessageKey = keyof typeof zhCN;

const en: Record<MessageKey, string> = {
  VALIDATION_FAILED: 'The request is invalid; check the fields listed',
  MALFORMED_JSON: 'The request body is not valid JSON',
  BODY_TOO_LARGE: 'The request body is too large',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported request content type',
  NOT_AUTHENTICATED: 'Please sign in first',
  SESSION_EXPIRED: 'Your session has expired; please sign in again',
  INVALID_CREDENTIALS: 'Wrong username or password',
  ACCOUNT_LOCKED: 'The account is locked after repeated failed sign-ins; try again after {until}',
  ACCOUNT_DISABLED: 'The account is disabled; contact an administrator',
  PASSWORD_POLICY:
    'The password does not meet the policy: at least {minLength} characters, three of upper case, lower case, digits and symbols, and not containing the username',
  CSRF_FAILED: 'Request verification (CSRF) failed; reload the page and try again',
  FORBIDDEN: 'You do not have permission for this action ({permission})',
  TOKEN_INVALID: 'The API token is invalid, expired or revoked',
  TOKEN_SCOPE: 'The API token lacks the scope for this action ({scope})',
  NOT_FOUND: 'The record does not exist or is outside your scope',
  ROUTE_NOT_FOUND: 'No such endpoint',
  ALREADY_EXISTS: '{entity} already exists: {value}',
  CONFLICT: 'The record was changed by someone else; reload and try again',
  RATE_LIMITED: 'Too many requests; please slow down',
  DATA_DIR_LOCKED:
    'The data directory is in use by process {pid} ({host}); lock file: {lockPath}. Only one process may open a data directory.',
  FILE_TOO_LARGE: 'The file is too large; the limit is {limit}',
  FILE_TYPE_NOT_ALLOWED: 'File type {mime} is not allowed; allowed: {allowed}',
  FILE_MISSING: 'Choose a file to upload',
  INVALID_REFERENCE: '{field} refers to a record that does not exist or is outside your scope',
  OUT_OF_SCOPE: '{field} is outside your scope',
  REVEAL_LIMIT: 'You have reached today\'s limit for revealing personal data ({limit})',
  INTERNAL: 'Internal server error; please try again later',
  'validation.required': 'is required',
  'validation.additionalProperties': 'is not an allowed field',
  'validation.type': 'must be of type {type}',
  'validation.minLength': 'must be at least {limit} characters',
  'validation.maxLength': 'must be at most {limit} characters',
  'validation.minimum': 'must be at least {limit}',
  'validation.maximum': 'must be at most {limit}',
  'validation.pattern': 'has the wrong format',
  'validation.format': 'must be a valid {format}',
  'validation.enum': 'must be one of: {allowed}',
  'validation.minItems': 'must have at least {limit} items',
  'validation.maxItems': 'must have at most {limit} items',
  'validation.uniqueItems': 'must not contain duplicates',
  'validation.other': 'is invalid',
  'entity.user': 'User',
  'entity.role': 'Role',
  'entity.organization': 'Organisation',
  'entity.division': 'Division',
  'entity.token': 'API token',
};

const catalogs: Record<Locale, Record<MessageKey, string>> = { 'zh-CN': zhCN, en };

export type MessageParams = Record<string, string | number>;

export function translate(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const template = catalogs[locale][key] ?? catalogs['zh-CN'][key] ?? key;
  return template.replace(/\{(\w+)\}/g, (_, name: string) => (name in params ? String(params[name]) : `{${name}}`));
}

export function isMessageKey(key: string): key is MessageKey {
  return key in zhCN;
}

/** zh-CN unless the caller prefers English (Accept-Language). */
export function localeFromHeader(header: string | undefined): Locale {
  if (!header) return 'zh-CN';
  const first = header.split(',')[0]?.trim().toLowerCase() ?? '';
  return first.startsWith('en') ? 'en' : 'zh-CN';
}
