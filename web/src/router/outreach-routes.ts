import type { RouteRecordRaw } from 'vue-router';
import { ChatLineRound, EditPen, MuteNotification, Van } from '@element-plus/icons-vue';

/** Outreach (polite reminders) pages, in their own sidebar group; routes.ts spreads them in. */
export const outreachPages: RouteRecordRaw[] = [
  {
    path: 'outreach/messages',
    name: 'outreach-messages',
    component: () => import('../views/outreach/OutreachLogView.vue'),
    meta: { titleKey: 'outreach.menu.log', permission: 'outreach:message:read', icon: ChatLineRound, group: 'outreach' },
  },
  {
    path: 'outreach/templates',
    name: 'outreach-templates',
    component: () => import('../views/outreach/OutreachTemplatesView.vue'),
    meta: { titleKey: 'outreach.menu.templates', permission: 'outreach:template:read', icon: EditPen, group: 'outreach' },
  },
  {
    path: 'outreach/opt-outs',
    name: 'outreach-opt-outs',
    component: () => import('../views/outreach/OptOutsView.vue'),
    meta: { titleKey: 'outreach.menu.optOuts', permission: 'outreach:opt-out:read', icon: MuteNotification, group: 'outreach' },
  },
  {
    path: 'outreach/vehicles',
    name: 'outreach-vehicles',
    component: () => import('../views/outreach/VehiclesView.vue'),
    meta: { titleKey: 'outreach.menu.vehicles', permission: 'outreach:vehicle:read', icon: Van, group: 'outreach' },
  },
];
