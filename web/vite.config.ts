import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Vendor code changes far less often than ours, so it gets its own long-cached chunks. Element Plus
 * is split in two: what the sign-in page and the layout need, and the heavy data components
 * (tables, trees, date pickers) that only list pages load. Higher priority claims modules first,
 * so Vue itself is not pulled into an Element Plus chunk as a dependency.
 */
const vendorGroups = [
  { name: 'vue', priority: 3, test: /node_modules[\\/](@vue|vue|vue-router|pinia|vue-i18n|@intlify)[\\/]/ },
  {
    name: 'element-plus-data',
    priority: 2,
    // Only the components themselves; the helpers they share stay in the base chunk.
    includeDependenciesRecursively: false,
    test: /element-plus[\\/]es[\\/]components[\\/](table|table-column|pagination|date-picker|date-picker-panel|time-picker|time-select|tree|tree-select|select|option|checkbox|input-number|radio|cascader|cascader-panel)[\\/]/,
  },
  // OpenLayers and its helpers: only the map page needs them, so they load with it.
  { name: 'ol', priority: 1, test: /node_modules[\\/](ol|rbush|quickselect|earcut|pbf)[\\/]/ },
  // ECharts: only the command-room dashboard draws charts.
  { name: 'echarts', priority: 1, test: /node_modules[\\/](echarts|zrender|tslib)[\\/]/ },
  // Vant: only the residents' phone pages (/h5/…) use it.
  { name: 'vant', priority: 1, test: /node_modules[\\/](vant|@vant)[\\/]/ },
  { name: 'element-plus', priority: 1, test: /node_modules[\\/](element-plus|@element-plus|@floating-ui|@ctrl|@popperjs|@vueuse|lodash-es|lodash-unified|dayjs|async-validator|memoize-one|normalize-wheel-es)[\\/]/ },
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
      '/api': 'http://localhost:8090',
    },
  },
});
