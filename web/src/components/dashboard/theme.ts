/**
 * The dashboard's colours, in one place so panels, charts and the map agree: night-blue ground, cyan
 * for counts, the traffic-light colours of the event center (§8) and one colour per supervision level.
 */
export const screen = {
  text: '#e6f0ff',
  muted: '#8ea6c9',
  faint: 'rgba(142, 166, 201, 0.22)',
  cyan: '#3fd0ff',
  blue: '#3a86ff',
  amber: '#ffb020',
  green: '#2fd27a',
  red: '#ff4d5a',
  orange: '#ff7a45',
};

export const lightColors = { green: screen.green, yellow: '#ffc53d', red: screen.red } as const;

export const supervisionColors = { remind: '#ffc53d', supervise: screen.orange, listed: screen.red } as const;

/** One colour per event source, in the order of the legend (the same source keeps its colour when drilling). */
export const sourceColors: Record<string, string> = {
  grid: '#3fd0ff',
  patrol: '#3a86ff',
  video_ai: '#a66bff',
  public: '#2fd27a',
  hotline: '#ffb020',
  iot: '#19c2b0',
  superior: '#ff7a45',
  inspection: '#f56fb5',
  backbone: '#9bd35a',
  visitor: '#c7d2e0',
};

/** Heatmap ramp from sparse to dense. */
export const heatGradient = ['#1b3f9e', '#1c8adb', '#20c5c9', '#9be15d', '#ffd23f', '#ff7a2f', '#ff3d3d'];

export const chartFont = '-apple-system, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif';
