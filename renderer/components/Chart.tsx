import { PictureOutlined } from '@ant-design/icons';
import { Button, Card, Space, Spin, Typography } from 'antd';
import { BarChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { ChartTable, FileOut } from '../../api/contract';
import { saveFile } from '../api';
import { useI18n } from '../i18n';
import { ExportButton } from './ExportButton';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, MarkLineComponent, DataZoomComponent, CanvasRenderer]);

export interface ChartSpec {
  /** The column on the category axis, and the columns drawn as series (stacked when several). */
  category: string;
  series: string[];
  /** Bars along the value axis, one row per agency: long lists read better across. */
  horizontal?: boolean;
  colors?: string[];
}

/** Builds the ECharts option of a figure: bars per series, the reference line, a scroller when the categories are many. */
export function chartOption(table: ChartTable, spec: ChartSpec): echarts.EChartsCoreOption {
  const categories = table.rows.map((r) => String(r[spec.category] ?? ''));
  const label = (key: string) => table.columns.find((c) => c.key === key)?.label ?? key;
  const many = categories.length > 30;
  const categoryAxis = {
    type: 'category', data: categories, axisLabel: { interval: many ? 'auto' : 0, fontSize: 11, width: 140, overflow: 'truncate' },
    ...(spec.horizontal ? {} : { name: label(spec.category), nameLocation: 'middle', nameGap: 26 }),
  };
  const valueAxis = { type: 'value' };
  const mark = table.mark && {
    symbol: 'none', silent: true, lineStyle: { color: '#cf1322', type: 'dashed', width: 2 }, label: { formatter: table.mark.label, color: '#cf1322' },
    data: [table.mark.axis === 'value' ? { [spec.horizontal ? 'xAxis' : 'yAxis']: table.mark.at } : { [spec.horizontal ? 'yAxis' : 'xAxis']: table.mark.at }],
  };
  return {
    animation: false,
    color: spec.colors ?? ['#1677ff', '#fa8c16', '#52c41a'],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: spec.series.length > 1 ? { top: 0 } : undefined,
    grid: { left: 8, right: 24, top: spec.series.length > 1 ? 28 : 16, bottom: spec.horizontal ? 8 : many ? 44 : 24, containLabel: true },
    xAxis: spec.horizontal ? valueAxis : categoryAxis,
    yAxis: spec.horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
    dataZoom: many ? [{ type: 'slider', [spec.horizontal ? 'yAxisIndex' : 'xAxisIndex']: 0, startValue: 0, endValue: 24, ...(spec.horizontal ? { right: 0, width: 14 } : { height: 14, bottom: 4 }) }] : undefined,
    series: spec.series.map((key, k) => ({
      type: 'bar', name: label(key), stack: spec.series.length > 1 ? 'total' : undefined, barMaxWidth: 28,
      data: table.rows.map((r) => r[key]),
      markLine: k === 0 ? mark : undefined,
    })),
  };
}

/** A figure on a card: its title and key figures, the chart, and buttons to save it as PNG or export its table as .xlsx. */
export function ChartCard({ table, spec, exportFile, testId, height = 280 }: { table?: ChartTable; spec: ChartSpec; exportFile: () => Promise<FileOut>; testId: string; height?: number }) {
  const { t } = useI18n();
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!box.current) return;
    const c = echarts.init(box.current, undefined, { renderer: 'canvas' });
    chart.current = c;
    const resize = new ResizeObserver(() => c.resize());
    resize.observe(box.current);
    return () => {
      resize.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    if (table) chart.current?.setOption(chartOption(table, spec), true);
  }, [table, spec]);
  const png = async () => {
    const url = chart.current!.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#fff' });
    await saveFile('png', { fileName: `${table!.title}.png`, base64: url.slice(url.indexOf(',') + 1) });
  };
  return (
    <Card
      size="small" data-testid={testId}
      title={<span>{table?.title}</span>}
      extra={<Space size={4}><Button size="small" icon={<PictureOutlined />} onClick={png} disabled={!table} data-testid={`${testId}-png`}>{t('chart.png')}</Button><ExportButton size="small" fetch={exportFile} testId={`${testId}-xlsx`} /></Space>}
    >
      <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`${testId}-subtitle`}>{table?.subtitle}</Typography.Text>
      <Spin spinning={!table}><div ref={box} style={{ height, marginTop: 4 }} /></Spin>
    </Card>
  );
}
