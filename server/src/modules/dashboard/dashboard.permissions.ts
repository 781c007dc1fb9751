/** The command-room dashboard (大屏) only reads; one code opens it. */
export const dashboardPermissions = ['event:dashboard:read'] as const;
