import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const root = fileURLToPath(new URL('.', import.meta.url));

/** Vendor code changes far less often than ours: keep it in its own long-cached chunks. */
const vendorGroups = [
  { name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/ },
  { name: 'element-plus', test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@ctrl|@popperjs|@vueuse|lodash-es|lodash-unified|dayjs|async-validator|memoize-one|normalize-wheel-es)[\\/]/ },
];

export default defineConfig({
  root,
  plugins: [vue()],
  define: {
    // vue-i18n's esm-bundler build expects these flags; composition API only, no devtools in production.
    __VUE_I18N_FULL_INSTALL__: true,
    __VUE_I18N_LEGACY_API__: false,
    __INTLIFY_PROD_DEVTOOLS__: false,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: {
      output: {
        codeSplitting: { groups: vendorGroups },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: 'http://localhost:8090', changeOrigin: false },
    },
  },
});
