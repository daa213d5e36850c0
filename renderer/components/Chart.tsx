import { PictureOutlined } from '@ant-design/icons';
import { Button, Card, Space, Spin, Typography } from 'antd';
import { BarChart, LineChart } from 'echarts/charts';
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import type { ChartTable } from '../../api/contract';
import { saveFile } from '../api';
import { useI18n } from '../i18n';
import { ExportButton, type ExportRequest } from './ExportButton';

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
  // Long labels across a narrow axis (2026-12, 12 个月后…) are turned, so none runs into the next.
  const longest = Math.max(0, ...categories.map((c) => c.length));
  const turned = !spec.horizontal && longest * Math.min(categories.length, 30) > 60;
  const categoryAxis = {
    type: 'category', data: categories,
    axisLabel: { interval: many ? 'auto' : 0, fontSize: 11, width: 140, overflow: 'truncate', rotate: turned ? 40 : 0, hideOverlap: true },
    ...(spec.horizontal ? {} : { name: label(spec.category), nameLocation: 'middle', nameGap: turned ? 18 + longest * 5.5 : 26 }),
  };
  // Money reads in 万元 on the axis and in the tooltip; the exported table keeps yuan.
  const money = spec.series.every((key) => table.columns.find((c) => c.key === key)?.kind === 'yuan');
  const wan = (v: number) => (v / 10_000).toLocaleString('zh-CN', { maximumFractionDigits: 1 });
  // Counts of units step by whole numbers: no axis of 0.5 vehicles.
  const counts = spec.series.every((key) => table.columns.find((c) => c.key === key)?.kind === 'count');
  const valueAxis = {
    type: 'value',
    ...(counts ? { minInterval: 1 } : {}),
    ...(money ? { name: '万元', nameLocation: 'end', axisLabel: { formatter: (v: number) => wan(v) } } : {}),
    ...(spec.horizontal && spec.series.length === 1 ? { name: label(spec.series[0]), nameLocation: 'middle', nameGap: 24 } : {}),
  };
  const mark = table.mark && {
    symbol: 'none', silent: true, lineStyle: { color: '#cf1322', type: 'dashed', width: 2 },
    label: { formatter: table.mark.label, color: '#cf1322', position: spec.horizontal ? 'start' : 'end', backgroundColor: 'rgba(255,255,255,0.8)' },
    data: [table.mark.axis === 'value' ? { [spec.horizontal ? 'xAxis' : 'yAxis']: table.mark.at } : { [spec.horizontal ? 'yAxis' : 'xAxis']: table.mark.at }],
  };
  return {
    animation: false,
    color: spec.colors ?? ['#1677ff', '#fa8c16', '#52c41a'],
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, ...(money ? { valueFormatter: (v: number) => `${wan(v)} 万元` } : {}) },
    legend: spec.series.length > 1 ? { top: 0 } : undefined,
    grid: {
      left: 8, right: spec.horizontal ? 28 : 24, top: spec.series.length > 1 || money || (spec.horizontal && table.mark) ? 30 : 16,
      bottom: spec.horizontal ? 30 : (many ? 20 : 0) + (turned ? 18 + longest * 5.5 : 24), containLabel: true,
    },
    xAxis: spec.horizontal ? valueAxis : categoryAxis,
    yAxis: spec.horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
    dataZoom: many ? [{ type: 'slider', [spec.horizontal ? 'yAxisIndex' : 'xAxisIndex']: 0, startValue: 0, endValue: 24, ...(spec.horizontal ? { right: 0, width: 14 } : { height: 14, bottom: 4 }) }] : undefined,
    series: spec.series.map((key, k) => ({
      type: 'bar', name: money ? label(key).replace(/[(（]元[)）]$/, '') : label(key), stack: spec.series.length > 1 ? 'total' : undefined, barMaxWidth: 28,
      data: table.rows.map((r) => r[key]),
      markLine: k === 0 ? mark : undefined,
    })),
  };
}

/** A figure on a card: its title and key figures, the chart, and buttons to save it as PNG or export its table as .xlsx. */
export function ChartCard({ table, spec, exportFile, testId, height = 280 }: { table?: ChartTable; spec: ChartSpec; exportFile: ExportRequest; testId: string; height?: number }) {
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
      extra={<Space size={4}><Button size="small" icon={<PictureOutlined />} onClick={png} disabled={!table} data-testid={`${testId}-png`}>{t('chart.png')}</Button><ExportButton size="small" {...exportFile} testId={`${testId}-xlsx`} /></Space>}
    >
      <Typography.Text type="secondary" style={{ fontSize: 12 }} data-testid={`${testId}-subtitle`}>{table?.subtitle}</Typography.Text>
      <Spin spinning={!table}><div ref={box} style={{ height, marginTop: 4 }} /></Spin>
    </Card>
  );
}
