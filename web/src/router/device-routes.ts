import type { RouteRecordRaw } from 'vue-router';
import { Bell, Cpu } from '@element-plus/icons-vue';

/** Devices and alarms: the device list and the alarm console in the menu, the device page from the list. */
export const devicePages: RouteRecordRaw[] = [
  { path: 'devices', name: 'devices', component: () => import('../views/devices/DeviceListView.vue'), meta: { titleKey: 'devices.menu.devices', permission: 'registry:device:read', icon: Cpu } },
  { path: 'alarms', name: 'alarms', component: () => import('../views/devices/AlarmConsoleView.vue'), meta: { titleKey: 'devices.menu.alarms', permission: 'device:alarm:read', icon: Bell } },
];

export const deviceRoutes: RouteRecordRaw[] = [
  {
    path: 'devices/:id(\\d+)',
    name: 'device-detail',
    component: () => import('../views/devices/DeviceDetailView.vue'),
    meta: { titleKey: 'devices.detail.title', permission: 'registry:device:read', menuPath: '/devices' },
  },
];
