import type { RouteRecordRaw } from 'vue-router';
import { Document, Files, HomeFilled, Key, Lock, OfficeBuilding, Location, Phone, Setting, Tools, User, UserFilled } from '@element-plus/icons-vue';
import { MapLocation } from '@element-plus/icons-vue';
import { eventPages, eventRoutes, h5Routes } from './event-routes';
import { devicePages, deviceRoutes } from './device-routes';
import { outreachPages } from './outreach-routes';
import { videoPages, videoRoutes } from './video-routes';

/** Pages inside the signed-in layout. The sidebar menu is built from these, in this order. */
export const appPages: RouteRecordRaw[] = [
  { path: '', name: 'home', component: () => import('../views/HomeView.vue'), meta: { titleKey: 'menu.home', icon: HomeFilled } },
  { path: 'map', name: 'map', component: () => import('../views/map/MapView.vue'), meta: { titleKey: 'map.title', permission: 'map:grid:read', icon: MapLocation } },
  ...eventPages,
  ...devicePages,
  ...videoPages,
  ...outreachPages,
  {
    path: 'system/users',
    name: 'system-users',
    component: () => import('../views/system/UsersView.vue'),
    meta: { titleKey: 'menu.users', permission: 'system:user:read', icon: User, group: 'system' },
  },
  {
    path: 'system/roles',
    name: 'system-roles',
    component: () => import('../views/system/RolesView.vue'),
    meta: { titleKey: 'menu.roles', permission: 'system:role:read', icon: UserFilled, group: 'system' },
  },
  {
    path: 'system/divisions',
    name: 'system-divisions',
    component: () => import('../views/system/DivisionsView.vue'),
    meta: { titleKey: 'menu.divisions', permission: 'system:division:read', icon: Location, group: 'system' },
  },
  {
    path: 'system/organizations',
    name: 'system-organizations',
    component: () => import('../views/system/OrganizationsView.vue'),
    meta: { titleKey: 'menu.organizations', permission: 'system:organization:read', icon: OfficeBuilding, group: 'system' },
  },
  {
    path: 'system/tokens',
    name: 'system-tokens',
    component: () => import('../views/system/TokensView.vue'),
    meta: { titleKey: 'menu.tokens', permission: 'system:token:read', icon: Key, group: 'system' },
  },
  {
    path: 'system/audit',
    name: 'system-audit',
    component: () => import('../views/system/AuditView.vue'),
    meta: { titleKey: 'menu.audit', permission: 'system:audit:read', icon: Document, group: 'system' },
  },
  {
    path: 'system/login-log',
    name: 'system-login-log',
    component: () => import('../views/system/LoginLogView.vue'),
    meta: { titleKey: 'menu.loginLog', permission: 'system:login-log:read', icon: Files, group: 'system' },
  },
];

/** Sidebar sub-menus (a page's `meta.group`), in this order; also the breadcrumb's middle step. */
export const menuGroups = [
  { name: 'eventConfig', titleKey: 'events.menu.config', icon: Tools },
  { name: 'outreach', titleKey: 'outreach.menu.group', icon: Phone },
  { name: 'system', titleKey: 'menu.system', icon: Setting },
] as const;

const fullScreen = (page: RouteRecordRaw) => Boolean(page.meta?.fullScreen);

export const routes: RouteRecordRaw[] = [
  { path: '/login', name: 'login', component: () => import('../views/LoginView.vue'), meta: { public: true, titleKey: 'login.title' } },
  ...h5Routes,
  // Menu pages that fill the whole screen sit beside the layout, at the same path.
  ...appPages.filter(fullScreen).map((page) => ({ ...page, path: `/${page.path}` }) as RouteRecordRaw),
  {
    path: '/',
    component: () => import('../layout/AppLayout.vue'),
    children: [
      ...appPages.filter((page) => !fullScreen(page)),
      ...eventRoutes,
      ...deviceRoutes,
      ...videoRoutes,
      { path: '403', name: 'forbidden', component: () => import('../views/ForbiddenView.vue'), meta: { titleKey: 'menu.forbidden', icon: Lock } },
      { path: ':pathMatch(.*)*', name: 'not-found', component: () => import('../views/NotFoundView.vue'), meta: { titleKey: 'menu.notFound' } },
    ],
  },
];
