import { createApp } from 'vue';
import { createPinia } from 'pinia';
import 'element-plus/dist/index.css';
import './styles/main.css';
import App from './App.vue';
import { i18n } from './i18n';
import { router } from './router';
import { configureHttp } from './api/http';
import { useSessionStore } from './stores/session';

const app = createApp(App);
const pinia = createPinia();
app.use(pinia).use(i18n);

const session = useSessionStore(pinia);
configureHttp({
  csrfToken: () => session.csrfToken,
  onUnauthenticated: () => {
    if (!session.signedIn) return;
    session.clear();
    const current = router.currentRoute.value;
    void router.replace({ name: 'login', query: { redirect: current.fullPath } });
  },
});

app.use(router);
app.mount('#app');
