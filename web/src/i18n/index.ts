import { computed } from 'vue';
import { createI18n } from 'vue-i18n';
import elZhCn from 'element-plus/es/locale/lang/zh-cn';
import elEn from 'element-plus/es/locale/lang/en';
import zhCN from './zh-CN';
import en from './en';

export type Messages = typeof zhCN;
export const locales = ['zh-CN', 'en'] as const;
export type Locale = (typeof locales)[number];

export const localeNames: Record<Locale, string> = { 'zh-CN': '简体中文', en: 'English' };

const storageKey = 'gongzhi.locale';

function isLocale(value: unknown): value is Locale {
  return (locales as readonly unknown[]).includes(value);
}

function storedLocale(): Locale | null {
  const value = localStorage.getItem(storageKey);
  return isLocale(value) ? value : null;
}

export const i18n = createI18n<[Messages], Locale, false>({
  legacy: false,
  locale: storedLocale() ?? 'zh-CN',
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': zhCN, en },
});

export const currentLocale = computed<Locale>(() => i18n.global.locale.value);
export const elementLocale = computed(() => (currentLocale.value === 'en' ? elEn : elZhCn));

function apply(locale: Locale) {
  i18n.global.locale.value = locale;
  document.documentElement.lang = locale;
}

/** An explicit choice in the top bar wins over the account's default from then on. */
export function chooseLocale(locale: Locale) {
  localStorage.setItem(storageKey, locale);
  apply(locale);
}

/** The account's language applies until the person picks one in the top bar. */
export function adoptAccountLocale(locale: string) {
  if (storedLocale() === null && isLocale(locale)) apply(locale);
}

apply(i18n.global.locale.value);
