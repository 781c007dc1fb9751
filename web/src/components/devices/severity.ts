import type { Severity } from '../../api/devices';

/** One colour per alarm severity (as the alarm_severity dictionary), most severe first. */
export const severityColor: Record<Severity, string> = { critical: '#c0392b', major: '#e67e22', minor: '#c9a400', warning: '#2f6fb0' };
