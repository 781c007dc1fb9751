import { useI18n } from 'vue-i18n';
import type { Role } from '../api/roles';

type PermissionPart = 'modules' | 'entities' | 'actions';

/** Localised names for codes the server sends (permissions, audit actions, roles). */
export function useLabels() {
  const { t, te, locale } = useI18n();

  function part(kind: PermissionPart, value: string): string {
    const key = `permission.${kind}.${value === '*' ? 'any' : value.replace(/-/g, '_')}`;
    return te(key) ? t(key) : value;
  }

  /** `system:user:read` → "用户 · 查看"; unknown pieces fall back to the raw code. */
  function permissionLabel(code: string): string {
    const pieces = code.split(':');
    if (pieces.length !== 3) return code;
    if (code === '*:*:*') return t('role.allPermissions');
    return `${part('entities', pieces[1]!)} · ${part('actions', pieces[2]!)}`;
  }

  function roleName(role: Pick<Role, 'nameZh' | 'nameEn'>): string {
    return locale.value === 'en' ? role.nameEn : role.nameZh;
  }

  return { part, permissionLabel, roleName };
}
