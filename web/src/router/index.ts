import { createRouter, createWebHistory } from 'vue-router';
import { watch } from 'vue';
import { routes } from './routes';
import { useSessionStore } from '../stores/session';
import { i18n } from '../i18n';

export const router = createRouter({
  history: createWebHistory(),
  routes,
  scrollBehavior: () => ({ top: 0 }),
});

router.beforeEach(async (to) => {
  const session = useSessionStore();
  if (!session.checked) await session.restore();
  if (to.meta.public) {
    return to.name === 'login' && session.signedIn ? safeRedirect(to.query.redirect) : true;
  }
  if (!session.signedIn) return { name: 'login', query: { redirect: to.fullPath } };
  if (to.meta.permission && !session.can(to.meta.permission)) return { name: 'forbidden', replace: true };
  return true;
});

/** Only same-site paths: `?redirect=//evil.example` (or `/\evil.example`) must not send anyone away. */
export function safeRedirect(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])/.test(value) ? value : '/';
}

function updateTitle() {
  const key = router.currentRoute.value.meta.titleKey;
  const product = i18n.global.t('app.name');
  document.title = key ? `${i18n.global.t(key)} · ${product}` : product;
}

router.afterEach(updateTitle);
watch(i18n.global.locale, updateTitle);
