import { CalculatorOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Popconfirm, Space, Table, Tabs, Tag, Typography } from 'antd';
import { useState } from 'react';
import { TASK_TYPES, type AgencyNode, type PlanStatus, type TaskRow } from '../../api/contract';
import type { CatalogItem } from '../../api/contract';
import { client } from '../api';
import { TaskForm } from '../components/TaskForm';
import { useI18n } from '../i18n';
import { useMay } from '../lib/session';
import { shortAgency } from '../lib/format';
import { useApi } from '../lib/useApi';
import { DispatchCounts, Timeline } from './DispatchViews';
import { Plans, PLAN_COLORS } from './Plans';

type Tab = 'tasks' | 'plans' | 'timeline' | 'counts';

/** 重点任务调度: tasks, the plans that equip them, each unit's commitments, and the units sent per agency. */
export function Dispatch({ agencies, catalog }: { agencies: AgencyNode[]; catalog: CatalogItem[] }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<Tab>('tasks');
  const [planId, setPlanId] = useState<number | null>(null);
  return (
    <Tabs
      activeKey={tab}
      onChange={(k) => setTab(k as Tab)}
      destroyOnHidden
      style={{ height: '100%' }}
      items={[
        { key: 'tasks', label: t('dsp.tasks'), children: <Tasks agencies={agencies} catalog={catalog} onPlanned={(id) => (setPlanId(id), setTab('plans'))} /> },
        { key: 'plans', label: t('dsp.plans'), children: <Plans selected={planId} onSelect={setPlanId} /> },
        { key: 'timeline', label: t('dsp.timeline'), children: <Timeline /> },
        { key: 'counts', label: t('dsp.counts'), children: <DispatchCounts /> },
      ]}
    />
  );
}

function Tasks({ agencies, catalog, onPlanned }: { agencies: AgencyNode[]; catalog: CatalogItem[]; onPlanned: (planId: number) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const canDispatch = useMay('tasks/save');
  const list = useApi('tasks/list', {});
  const [editing, setEditing] = useState<TaskRow | 'new' | null>(null);
  const [selected, setSelected] = useState<number[]>([]);
  const [planning, setPlanning] = useState(false);

  const plan = async () => {
    setPlanning(true);
    try {
      const p = await client.call('plans/create', { taskIds: selected });
      message.success(t('dsp.planned', { code: p.code, units: p.units, unmet: p.unmet }));
      setSelected([]);
      onPlanned(p.id);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setPlanning(false);
    }
  };
  const remove = async (task: TaskRow) => {
    try {
      await client.call('tasks/delete', { id: task.id });
      list.reload();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      {canDispatch && (
        <Space>
          <Button icon={<PlusOutlined />} onClick={() => setEditing('new')} data-testid="task-new">{t('task.new')}</Button>
          <Button type="primary" icon={<CalculatorOutlined />} disabled={selected.length === 0} loading={planning} onClick={plan} data-testid="plan-create">
            {t('dsp.plan', { n: selected.length })}
          </Button>
          <Typography.Text type="secondary">{t('dsp.planHint')}</Typography.Text>
        </Space>
      )}
      <Table<TaskRow>
        data-testid="tasks"
        size="middle"
        rowKey="id"
        loading={list.loading}
        dataSource={list.data}
        pagination={{ pageSize: 20 }}
        locale={{ emptyText: t('dsp.noTasks') }}
        rowSelection={canDispatch ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as number[]), getCheckboxProps: (r) => ({ disabled: r.livePlan !== null }) } : undefined}
        columns={[
          { title: t('task.code'), dataIndex: 'code', width: 130 },
          { title: t('task.name'), dataIndex: 'name', ellipsis: true },
          { title: t('task.type'), dataIndex: 'type', width: 96, render: (v: TaskRow['type']) => <Tag>{TASK_TYPES[v]}</Tag> },
          { title: t('task.lead'), dataIndex: 'leadAgencyName', ellipsis: true, render: (v: string) => <span title={v}>{shortAgency(v)}</span> },
          { title: t('task.dates'), width: 190, render: (_, r) => `${r.startDate} ~ ${r.endDate}` },
          { title: t('task.priority'), dataIndex: 'priority', width: 72, align: 'center' },
          { title: t('task.demand'), ellipsis: true, render: (_, r) => { const text = r.demand.map((d) => `${d.item}×${d.quantity}`).join('、'); return <span title={text}>{text}</span>; } },
          {
            title: t('dsp.plan.status'), width: 150,
            render: (_, r) => (r.livePlan ? <Tag color={PLAN_COLORS[r.livePlan.status]}>{r.livePlan.code} {t(`plan.status.${r.livePlan.status}` as `plan.status.${PlanStatus}`)}</Tag> : null),
          },
          ...(canDispatch ? [{
            title: t('common.actions'), width: 130, render: (_: unknown, r: TaskRow) => (
              <Space size={4}>
                <Button size="small" disabled={r.livePlan !== null} onClick={() => setEditing(r)}>{t('common.edit')}</Button>
                <Popconfirm title={t('task.deleteConfirm')} onConfirm={() => remove(r)} okText={t('common.delete')} cancelText={t('common.cancel')}>
                  <Button size="small" danger disabled={r.livePlan !== null}>{t('common.delete')}</Button>
                </Popconfirm>
              </Space>
            ),
          }] : []),
        ]}
      />
      {editing && (
        <TaskForm
          task={editing === 'new' ? null : editing}
          agencies={agencies}
          catalog={catalog}
          onClose={() => setEditing(null)}
          onSaved={(task) => (setEditing(null), list.reload(), message.success(t('task.saved', { code: task.code })))}
        />
      )}
    </div>
  );
}
