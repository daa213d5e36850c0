import { DatePicker, Empty, Space, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import type { CommitmentRow, DispatchCount, PlanStatus } from '../../api/contract';
import { useI18n } from '../i18n';
import { useClock } from '../lib/clock';
import { useApi } from '../lib/useApi';
import { PLAN_COLORS } from './Plans';

const BAR: Record<PlanStatus, string> = { draft: '#d9d9d9', approved: '#1677ff', dispatched: '#fa8c16', returned: '#95de64', cancelled: '#ff4d4f' };
const iso = (d: Dayjs) => d.format('YYYY-MM-DD');

/** Each unit's commitments over a window of dates: one row per unit, one bar per task. */
export function Timeline() {
  const { t } = useI18n();
  const { inDays } = useClock();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs(inDays(-7)), dayjs(inDays(60))]);
  const [from, to] = [iso(range[0]), iso(range[1])];
  const data = useApi('dispatch/timeline', { from, to });
  const rows = useMemo(() => {
    const byAsset = new Map<number, CommitmentRow[]>();
    for (const c of data.data ?? []) byAsset.set(c.assetId, [...(byAsset.get(c.assetId) ?? []), c]);
    return [...byAsset.values()];
  }, [data.data]);
  const span = range[1].diff(range[0], 'day') + 1;
  const pos = (day: string) => Math.min(span, Math.max(0, dayjs(day).diff(range[0], 'day')));
  const months: { label: string; left: number }[] = [];
  for (let m = range[0].startOf('month'); !m.isAfter(range[1]); m = m.add(1, 'month')) {
    if (!m.isBefore(range[0])) months.push({ label: m.format('YYYY-MM'), left: pos(iso(m)) });
  }
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      <Space>
        <DatePicker.RangePicker value={range} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} allowClear={false} />
        {(['approved', 'dispatched', 'returned'] as const).map((s) => <Tag key={s} color={PLAN_COLORS[s]}>{t(`plan.status.${s}`)}</Tag>)}
        <Typography.Text type="secondary">{t('timeline.units', { n: rows.length })}</Typography.Text>
      </Space>
      {rows.length === 0 ? <Empty description={t('timeline.none')} /> : (
        <div data-testid="timeline" style={{ overflow: 'auto', maxHeight: 'calc(100vh - 230px)', border: '1px solid #f0f0f0' }}>
          <div style={{ display: 'flex', position: 'sticky', top: 0, background: '#fafafa', zIndex: 1, borderBottom: '1px solid #f0f0f0' }}>
            <div style={{ width: 260, flex: 'none', padding: '4px 8px' }}>{t('col.assetTag')}</div>
            <div style={{ flex: 1, position: 'relative', height: 26, minWidth: 600 }}>
              {months.map((m) => <span key={m.label} style={{ position: 'absolute', left: `${(m.left / span) * 100}%`, top: 4, fontSize: 12, color: '#888' }}>{m.label}</span>)}
            </div>
          </div>
          {rows.map((list) => (
            <div key={list[0].assetId} style={{ display: 'flex', borderBottom: '1px solid #f5f5f5' }}>
              <div style={{ width: 260, flex: 'none', padding: '3px 8px', fontSize: 12, whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' }}>
                {list[0].assetTag} · {list[0].itemName}
              </div>
              <div style={{ flex: 1, position: 'relative', minWidth: 600 }}>
                {list.map((c) => {
                  const left = pos(c.start);
                  const width = Math.max(0.6, pos(c.end) - left + 1);
                  return (
                    <Tooltip key={`${c.planCode}/${c.taskCode}`} title={`${c.taskCode} ${c.taskName} · ${c.start} ~ ${c.end} · ${c.planCode}`}>
                      <div style={{ position: 'absolute', top: 4, height: 14, borderRadius: 3, background: BAR[c.planStatus], left: `${(left / span) * 100}%`, width: `${(width / span) * 100}%`, fontSize: 10, color: '#fff', overflow: 'hidden', whiteSpace: 'nowrap', paddingLeft: 3 }}>
                        {c.taskCode}
                      </div>
                    </Tooltip>
                  );
                })}
              </div>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

/** Units sent to key tasks (台次) per source agency and item, over tasks starting in a window. */
export function DispatchCounts() {
  const { t } = useI18n();
  const { year } = useClock();
  const [range, setRange] = useState<[Dayjs, Dayjs]>(() => [dayjs(`${year}-01-01`), dayjs(`${year}-12-31`)]);
  const data = useApi('dispatch/counts', { from: iso(range[0]), to: iso(range[1]) });
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      <Space>
        <DatePicker.RangePicker value={range} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} allowClear={false} />
        <Typography.Text type="secondary">{t('counts.hint')}</Typography.Text>
      </Space>
      <Table<DispatchCount>
        data-testid="dispatch-counts"
        size="small"
        rowKey={(r) => `${r.agencyCode}/${r.itemCode}`}
        loading={data.loading}
        dataSource={data.data}
        pagination={{ pageSize: 30 }}
        locale={{ emptyText: t('counts.none') }}
        columns={[
          { title: t('col.agencyName'), dataIndex: 'agencyName', ellipsis: true },
          { title: t('col.itemName'), render: (_, r) => `${r.itemCode} ${r.itemName}`, ellipsis: true },
          { title: t('counts.kind'), dataIndex: 'kind', width: 90, render: (k: DispatchCount['kind']) => <Tag color={k === 'optional' ? 'purple' : 'default'}>{t(k === 'optional' ? 'counts.optional' : 'counts.basic')}</Tag> },
          { title: t('counts.units'), dataIndex: 'units', width: 90, align: 'right' },
        ]}
      />
    </div>
  );
}
