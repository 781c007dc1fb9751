import type { RouteRecordRaw } from 'vue-router';
import { Calendar, Connection, DataAnalysis, DataBoard, Flag, Guide, List, Tickets } from '@element-plus/icons-vue';

/**
 * The event center's routes, kept together so routes.ts only spreads them in. `eventPages` are menu
 * pages (event config sits in its own sidebar group; the dashboard fills the screen, without the
 * layout); `eventRoutes` are in the layout but not in the menu; `h5Routes` are the residents' phone
 * pages: public, outside the admin layout.
 */
export const eventPages: RouteRecordRaw[] = [
  {
    path: 'events',
    name: 'events',
    component: () => import('../views/events/EventQueueView.vue'),
    meta: { titleKey: 'events.menu.center', permission: 'event:case:read', icon: Tickets },
  },
  {
    path: 'dashboard',
    name: 'dashboard',
    component: () => import('../views/dashboard/DashboardView.vue'),
    meta: { titleKey: 'dashboard.menu', permission: 'event:dashboard:read', icon: DataBoard, fullScreen: true },
  },
  {
    path: 'supervision',
    name: 'supervision',
    component: () => import('../views/supervision/SupervisionListView.vue'),
    meta: { titleKey: 'supervision.menu', permission: 'event:supervision:read', icon: Flag },
  },
  {
    path: 'events/evaluation',
    name: 'event-evaluation',
    component: () => import('../views/events/EvaluationView.vue'),
    meta: { titleKey: 'evaluation.menu', permission: 'event:evaluation:read', icon: DataAnalysis },
  },
  {
    path: 'event-config/categories',
    name: 'event-config-categories',
    component: () => import('../views/events/config/CategoriesView.vue'),
    meta: { titleKey: 'events.menu.categories', permission: 'event:category:read', icon: List, group: 'eventConfig' },
  },
  {
    path: 'event-config/calendar',
    name: 'event-config-calendar',
    component: () => import('../views/events/config/CalendarView.vue'),
    meta: { titleKey: 'events.menu.calendar', permission: 'event:calendar:read', icon: Calendar, group: 'eventConfig' },
  },
  {
    path: 'event-config/routing',
    name: 'event-config-routing',
    component: () => import('../views/events/config/RoutingRulesView.vue'),
    meta: { titleKey: 'events.menu.routing', permission: 'event:routing:read', icon: Guide, group: 'eventConfig' },
  },
  {
    path: 'event-config/open311',
    name: 'event-config-open311',
    component: () => import('../views/open311/Open311View.vue'),
    meta: { titleKey: 'open311.menu', permission: 'open311:config:read', icon: Connection, group: 'eventConfig' },
  },
];

export const eventRoutes: RouteRecordRaw[] = [
  {
    path: 'events/:id(\\d+)',
    name: 'event-detail',
    component: () => import('../views/events/EventDetailView.vue'),
    // The menu highlights the event center while a case is open.
    meta: { titleKey: 'events.detail.title', permission: 'event:case:read', menuPath: '/events' },
  },
];

export const h5Routes: RouteRecordRaw[] = [
  { path: '/h5', redirect: '/h5/report' },
  { path: '/h5/report', name: 'h5-report', component: () => import('../views/h5/H5ReportView.vue'), meta: { public: true, titleKey: 'h5.report.title' } },
  { path: '/h5/track', name: 'h5-track', component: () => import('../views/h5/H5TrackView.vue'), meta: { public: true, titleKey: 'h5.track.title' } },
];
