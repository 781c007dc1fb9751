import type { RouteRecordRaw } from 'vue-router';

/** Video AI: the camera page, opened from a camera's device page (not in the menu). */
export const videoRoutes: RouteRecordRaw[] = [
  {
    path: 'devices/:id(\\d+)/camera',
    name: 'camera',
    component: () => import('../views/video/CameraView.vue'),
    meta: { titleKey: 'video.title', permission: 'video:detection:read', menuPath: '/devices' },
  },
];
