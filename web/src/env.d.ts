/// <reference types="vite/client" />

import type { Component } from 'vue';
import 'vue-router';

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title (document title, breadcrumb, menu). */
    titleKey?: string;
    /** Permission code needed to open the page; absent = any signed-in user. */
    permission?: string;
    icon?: Component;
    /** Menu group the page is listed under; absent = not in the menu or top level. */
    group?: 'system' | 'eventConfig' | 'outreach';
    /** The menu entry to highlight when the page itself is not in the menu (an event → the event center). */
    menuPath?: string;
    /** Open without signing in. */
    public?: boolean;
    /** A whole-screen page outside the sidebar layout (the command-room dashboard), still listed in the menu. */
    fullScreen?: boolean;
  }
}
