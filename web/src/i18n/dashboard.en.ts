import type zhCN from './dashboard.zh-CN';

/** English texts of the command-room dashboard; the type keeps the keys identical to dashboard.zh-CN.ts. */
const en: typeof zhCN = {
  dashboard: {
    menu: 'Command dashboard',
    indicators: { devicesOnline: 'Devices online', activeAlarms: 'Device alarms' },
    title: '{name} Command Room',
    subtitle: 'Every event in one network · live situation',
    period: 'Last {n} days',
    periodLabel: 'Period',
    live: 'Live',
    offline: 'Reconnecting',
    updatedAt: 'Updated {time}',
    loading: 'Loading…',
    failed: 'Could not load the data; retrying in {n} s',
    back: 'Back to work',
    up: 'Up one level',
    fullscreen: 'Full screen',
    exitFullscreen: 'Exit full screen',
    breadcrumb: 'Area path',
    kpi: {
      reportedToday: 'Reported today',
      closedToday: 'Closed today',
      open: 'Open events',
      overdue: 'Overdue',
      supervised: 'Supervised',
    },
    funnel: {
      title: "Today's funnel",
      reported: 'Reported',
      registered: 'Registered',
      dispatched: 'Dispatched',
      handled: 'Handled',
      closed: 'Closed',
      closeRate: 'Closure rate today',
      hint: "Where today's reports are",
      none: 'Nothing reported today yet',
    },
    sources: {
      title: 'Event sources',
      unit: 'events',
    },
    categories: {
      title: 'Top {n} problems',
    },
    ranking: {
      village: 'Villages by events',
      grid: 'Grids by events',
      town: 'Towns by events',
      reported: 'Reported',
      open: 'Open',
      overdue: 'Overdue',
      hint: 'Click an area to look inside',
    },
    map: {
      title: 'Event heatmap',
      legendLow: 'Few',
      legendHigh: 'Many',
    },
    feed: {
      title: 'Live events',
      empty: 'No events reported yet',
      new: 'New',
    },
    overdue: {
      title: 'Overdue',
      empty: 'No event is overdue',
    },
    supervised: {
      title: 'Under supervision',
      empty: 'No event is under supervision',
    },
    total: '{n} in all',
    empty: 'No events in the period',
    supervision: {
      remind: 'Reminded',
      supervise: 'Supervised',
      listed: 'Listed',
    },
  },
};

export default en;
