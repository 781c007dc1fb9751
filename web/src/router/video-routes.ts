import type { RouteRecordRaw } from 'vue-router';
import { VideoCamera } from '@element-plus/icons-vue';

/** Video AI in the menu: the rules turning detections into events. */
export const videoPages: RouteRecordRaw[] = [
  { path: 'video/rules', name: 'video-rules', component: () => import('../views/video/VideoRulesView.vue'), meta: { titleKey: 'video.rules.menu', permission: 'video:rule:read', icon: VideoCamera } },
];

/** Video AI: the camera page, opened from a camera's device page (not in the menu). */
export const videoRoutes: RouteRecordRaw[] = [
  {
    path: 'devices/:id(\\d+)/camera',
    name: 'camera',
    component: () => import('../views/video/CameraView.vue'),
    meta: { titleKey: 'video.title', permission: 'video:detection:read', menuPath: '/devices' },
  },
];
