import { onBeforeUnmount, onMounted, watch, type Ref } from 'vue';
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, PieChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import type { ECElementEvent, EChartsCoreOption } from 'echarts/core';

echarts.use([BarChart, FunnelChart, PieChart, GridComponent, TooltipComponent, CanvasRenderer]);

/**
 * An ECharts chart in `target`, redrawn whenever `option` changes. The dashboard's stage has a fixed
 * size (it is scaled as a whole), so charts never need to follow the window.
 */
export function useChart(target: Ref<HTMLElement | undefined>, option: () => EChartsCoreOption, onClick?: (event: ECElementEvent) => void) {
  let chart: echarts.ECharts | undefined;
  onMounted(() => {
    chart = echarts.init(target.value!, undefined, { renderer: 'canvas' });
    chart.setOption(option());
    if (onClick) chart.on('click', onClick);
  });
  watch(option, (next) => chart?.setOption(next, { replaceMerge: ['series', 'xAxis', 'yAxis'] }));
  onBeforeUnmount(() => chart?.dispose());
}
