import { computed, ref } from 'vue';
import { defineStore } from 'pinia';
import { authApi, type DataScope, type Me } from '../api/auth';
import { adoptAccountLocale } from '../i18n';
import { grants } from '../utils/permissions';

export const useSessionStore = defineStore('session', () => {
  const user = ref<Me['user'] | null>(null);
  const permissions = ref<string[]>([]);
  const dataScope = ref<DataScope>('self');
  const scopeDivisionCodes = ref<string[]>([]);
  const csrfToken = ref('');
  /** Whether we already asked the server who is signed in (once per page load). */
  const checked = ref(false);

  const signedIn = computed(() => user.value !== null);

  function can(code: string): boolean {
    return grants(permissions.value, code);
  }

  function apply(me: Me) {
    user.value = me.user;
    permissions.value = me.permissions;
    dataScope.value = me.dataScope;
    scopeDivisionCodes.value = me.scopeDivisionCodes;
    csrfToken.value = me.csrfToken;
    checked.value = true;
    adoptAccountLocale(me.user.locale);
  }

  function clear() {
    user.value = null;
    permissions.value = [];
    dataScope.value = 'self';
    scopeDivisionCodes.value = [];
    csrfToken.value = '';
    checked.value = true;
  }

  /**
   * Restores the session from the cookie. Any failure (usually 401) leaves us signed out, so the
   * sign-in page shows and reports a server that cannot be reached when the person tries again.
   */
  async function restore() {
    try {
      apply(await authApi.me());
    } catch {
      clear();
    }
  }

  async function login(username: string, password: string) {
    const { csrfToken: token } = await authApi.login(username, password);
    csrfToken.value = token;
    apply(await authApi.me());
  }

  async function logout() {
    try {
      await authApi.logout();
    } finally {
      clear();
    }
  }

  return { user, permissions, dataScope, scopeDivisionCodes, csrfToken, checked, signedIn, can, restore, login, logout, clear };
});
