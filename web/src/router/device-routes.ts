import type { RouteRecordRaw } from 'vue-router';
import { Bell, Cpu, Operation } from '@element-plus/icons-vue';

/** Devices and alarms: the device list, the alarm console and the alarm rules in the menu, the device page from the list. */
export const devicePages: RouteRecordRaw[] = [
  { path: 'devices', name: 'devices', component: () => import('../views/devices/DeviceListView.vue'), meta: { titleKey: 'devices.menu.devices', permission: 'registry:device:read', icon: Cpu } },
  { path: 'alarms', name: 'alarms', component: () => import('../views/devices/AlarmConsoleView.vue'), meta: { titleKey: 'devices.menu.alarms', permission: 'device:alarm:read', icon: Bell } },
  { path: 'alarm-rules', name: 'alarm-rules', component: () => import('../views/devices/AlarmRulesView.vue'), meta: { titleKey: 'devices.menu.rules', permission: 'device:alarm-rule:read', icon: Operation } },
];

export const deviceRoutes: RouteRecordRaw[] = [
  {
    path: 'devices/:id(\\d+)',
    name: 'device-detail',
    component: () => import('../views/devices/DeviceDetailView.vue'),
    meta: { titleKey: 'devices.detail.title', permission: 'registry:device:read', menuPath: '/devices' },
  },
];
