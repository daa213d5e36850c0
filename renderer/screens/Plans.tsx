import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, DatePicker, Descriptions, Empty, Form, Input, InputNumber, Modal, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import dayjs from 'dayjs';
import { useContext, useEffect, useState } from 'react';
import { can } from '../../api/roles';
import type { DispatchSettings, PlanAssignmentRow, PlanDetail, PlanStatus, PlanSummary, PlanUnmetRow, ReturnInput } from '../../api/contract';
import { client } from '../api';
import { ExportButton } from '../components/ExportButton';
import { useI18n } from '../i18n';
import { useClock } from '../lib/clock';
import { inRange, notNegative, showProblems } from '../lib/forms';
import { BoundedNumber } from '../components/BoundedNumber';
import { SessionContext, useMay } from '../lib/session';
import { shortAgency } from '../lib/format';
import { useApi } from '../lib/useApi';
import type { CatalogItem } from '../../api/contract';

export const PLAN_COLORS: Record<PlanStatus, string> = { draft: 'default', approved: 'blue', dispatched: 'orange', returned: 'green', cancelled: 'red' };

const firstStart = (p: PlanDetail) => p.taskRows.reduce((d, t) => (t.startDate < d ? t.startDate : d), '9999-12-31');
/** A unit can come back on a day not before its task's start (and, the server insists, not after today). */
const startOf = (p: PlanDetail, a: PlanAssignmentRow) => p.taskRows.find((t) => t.code === a.taskCode)?.startDate ?? '0000-01-01';

/** The plans, newest first, and the one selected with what it sends, what it leaves unmet and why. */
export function Plans({ selected, onSelect }: { selected: number | null; onSelect: (id: number) => void }) {
  const { t } = useI18n();
  const list = useApi('plans/list', {});
  useEffect(() => {
    if (selected === null && list.data?.length) onSelect(list.data[0].id);
  }, [selected, list.data, onSelect]);
  const status = (s: PlanStatus) => <Tag color={PLAN_COLORS[s]}>{t(`plan.status.${s}` as `plan.status.${PlanStatus}`)}</Tag>;
  return (
    <div style={{ display: 'flex', gap: 16, alignItems: 'flex-start' }}>
      <div style={{ width: 370, flex: 'none', display: 'flex', flexDirection: 'column', gap: 12 }}>
        <ReserveSetting />
        <Table<PlanSummary>
          data-testid="plans"
          size="small"
          rowKey="id"
          loading={list.loading}
          dataSource={list.data}
          pagination={{ pageSize: 15 }}
          locale={{ emptyText: t('plan.none') }}
          onRow={(r) => ({ onClick: () => onSelect(r.id), style: { cursor: 'pointer', background: r.id === selected ? '#e6f4ff' : undefined } })}
          columns={[
            { title: t('plan.code'), dataIndex: 'code', width: 116 },
            { title: t('col.status'), dataIndex: 'status', width: 76, render: (v: PlanStatus, r) => <>{status(v)}{r.flags ? <Tag color="red" title={t('plan.flagged', { n: r.flags })}>!</Tag> : null}</> },
            { title: t('dsp.tasks'), dataIndex: 'tasks', ellipsis: true, render: (v: string[]) => <span title={v.join('、')}>{v.join('、')}</span> },
            { title: t('plan.units'), dataIndex: 'units', width: 46, align: 'right' },
            { title: t('plan.unmet'), dataIndex: 'unmet', width: 46, align: 'right', render: (n: number) => (n ? <Typography.Text type="danger">{n}</Typography.Text> : 0) },
          ]}
        />
      </div>
      <div style={{ flex: 1, minWidth: 0 }}>
        {selected === null ? <Empty description={t('plan.none')} /> : <PlanView id={selected} onChanged={list.reload} />}
      </div>
    </div>
  );
}

/** The reserve every plan applies: a ratio of each basic item's requirement, and counts of optional items; bureau heads change them. */
function ReserveSetting() {
  const { t } = useI18n();
  const { message } = App.useApp();
  const canSet = useMay('dispatch/saveSettings');
  // An approver on an account limited to an agency: the reserve is the whole ledger's (the backend refuses).
  const user = useContext(SessionContext)!;
  const ledgerWideOnly = !canSet && can(user.role, 'approve') ? t('plan.reserveLedgerWide') : undefined;
  const mayApprove = canSet || !!ledgerWideOnly;
  const settings = useApi('dispatch/settings', {});
  const catalog = useApi('catalog/list', {});
  const [ratio, setRatio] = useState<number | null>(null);
  const [editingOptional, setEditingOptional] = useState(false);
  useEffect(() => setRatio(settings.data?.reserveRatio ?? null), [settings.data]);
  if (!settings.data) return null;
  const save = async (next: DispatchSettings) => {
    try {
      await client.call('dispatch/saveSettings', next);
      message.success(t('plan.reserveSaved'));
      setEditingOptional(false);
      settings.reload();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  const optional = Object.entries(settings.data.optionalReserve);
  return (
    <Space wrap size={[8, 4]}>
      <Typography.Text style={{ whiteSpace: 'nowrap' }}>{t('plan.reserve')}</Typography.Text>
      <Tooltip title={ledgerWideOnly}><span><BoundedNumber label={t('plan.reserve')} min={0} max={1} step={0.1} value={ratio} onChange={setRatio} disabled={!canSet} style={{ width: 90 }} data-testid="reserve-ratio" /></span></Tooltip>
      {mayApprove && (
        <Tooltip title={ledgerWideOnly}>
          <Button size="small" disabled={!canSet || ratio === null || ratio === settings.data.reserveRatio} onClick={() => save({ ...settings.data!, reserveRatio: ratio! })}>{t('common.save')}</Button>
        </Tooltip>
      )}
      <Button size="small" type="link" disabled={!canSet && optional.length === 0} onClick={() => setEditingOptional(true)}>
        {t('plan.optionalReserve', { n: optional.length })}
      </Button>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('plan.reserveHint')}</Typography.Text>
      {editingOptional && (
        <OptionalReserve
          value={settings.data.optionalReserve}
          catalog={catalog.data ?? []}
          canSet={canSet}
          onSave={(optionalReserve) => save({ ...settings.data!, optionalReserve })}
          onClose={() => setEditingOptional(false)}
        />
      )}
    </Space>
  );
}

/** Units of optional items each agency keeps at home, item by item. */
function OptionalReserve(props: { value: Record<string, number>; catalog: CatalogItem[]; canSet: boolean; onSave: (v: Record<string, number>) => Promise<void>; onClose: () => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ lines: { item: string; count: number }[] }>();
  return (
    <Modal
      open
      title={t('plan.optionalReserveTitle')}
      okButtonProps={{ disabled: !props.canSet }}
      onOk={async () => {
        const v = await form.validateFields().catch(() => null);
        if (!v) return;
        await props.onSave(Object.fromEntries((v.lines ?? []).filter((l) => l?.item).map((l) => [l.item, l.count])));
      }}
      onCancel={props.onClose}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
    >
      <Typography.Paragraph type="secondary">{t('plan.optionalReserveHint')}</Typography.Paragraph>
      <Form form={form} initialValues={{ lines: Object.entries(props.value).map(([item, count]) => ({ item, count })) }}>
        <Form.List name="lines">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="baseline">
                  <Form.Item name={[f.name, 'item']} rules={[{ required: true, message: t('common.required') }]}>
                    <Select showSearch optionFilterProp="label" style={{ width: 300 }}
                      options={props.catalog.filter((c) => c.kind === 'optional').map((c) => ({ value: c.code, label: `${c.code} ${c.name}` }))} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'count']} rules={[{ required: true, message: t('common.required') }, inRange(t, t('plan.optionalCount'), 0, 1000)]}><InputNumber /></Form.Item>
                  <MinusCircleOutlined onClick={() => remove(f.name)} />
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ count: 1 })}>{t('task.addLine')}</Button>
            </>
          )}
        </Form.List>
      </Form>
    </Modal>
  );
}

type Step = 'approve' | 'dispatch' | 'return' | null;

function PlanView({ id, onChanged }: { id: number; onChanged: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const canApprove = useMay('plans/approve');
  const canDispatch = useMay('plans/dispatch');
  const { today, time } = useClock();
  const detail = useApi('plans/get', { id });
  const [step, setStep] = useState<Step>(null);
  const [form] = Form.useForm();
  const plan = detail.data;

  const act = async (f: () => Promise<PlanDetail | unknown>, done: string) => {
    try {
      await f();
      message.success(done);
      setStep(null);
      detail.reload();
      onChanged();
    } catch (e) {
      // A refused date is marked at the date field and stays there; the rest is said in a message that does not vanish at once.
      const rest = step === null ? [{ message: (e as Error).message }] : showProblems(form, e);
      if (rest.length) message.error({ content: rest.map((p) => p.message).join(';'), duration: 8 });
    }
  };
  if (detail.error) return <Alert type="error" showIcon title={detail.error.message} />;
  if (!plan) return null;
  const out = plan.assignments.filter((a) => a.returnedAt === null);

  const submit = async () => {
    // Fields the rules refuse show their messages; nothing is sent.
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    if (step === 'approve') await act(() => client.call('plans/approve', { id, approvalRef: v.approvalRef?.trim() || null }), t('plan.approved'));
    if (step === 'dispatch') await act(() => client.call('plans/dispatch', { id, date: v.date.format('YYYY-MM-DD') }), t('plan.dispatched'));
    if (step === 'return') {
      const units: ReturnInput['units'] = out
        .filter((a) => v.units?.[a.id]?.back)
        .map((a) => ({ assignmentId: a.id, odometerKm: v.units[a.id].odometerKm ?? null, damageNote: v.units[a.id].damageNote?.trim() || null, toRepair: !!v.units[a.id].toRepair }));
      if (units.length === 0) return message.warning(t('plan.pickReturned'));
      await act(() => client.call('plans/return', { id, date: v.date.format('YYYY-MM-DD'), units }), t('plan.returned'));
    }
  };

  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }} data-testid="plan-view">
      <Space wrap>
        <Typography.Title level={5} style={{ margin: 0 }}>{t('plan.title', { code: plan.code })}</Typography.Title>
        <Tag color={PLAN_COLORS[plan.status]}>{t(`plan.status.${plan.status}` as `plan.status.${PlanStatus}`)}</Tag>
        {plan.status === 'draft' && canApprove && <Button type="primary" onClick={() => setStep('approve')} data-testid="plan-approve">{t('plan.approve')}</Button>}
        {plan.status === 'approved' && canDispatch && <Button type="primary" onClick={() => setStep('dispatch')} data-testid="plan-dispatch">{t('plan.dispatch')}</Button>}
        {plan.status === 'dispatched' && canDispatch && <Button type="primary" onClick={() => setStep('return')} data-testid="plan-return">{t('plan.return')}</Button>}
        {(plan.status === 'draft' || plan.status === 'approved') && canDispatch && (
          <Button danger onClick={() => act(() => client.call('plans/cancel', { id }), t('plan.cancelled'))}>{t('plan.cancel')}</Button>
        )}
        <ExportButton testId="plan-export" label={t('plan.export')} op="plans/export" input={{ id }} />
      </Space>
      {plan.flagRows.length > 0 && (
        <Alert type="error" showIcon data-testid="plan-flags" title={t('plan.flagged', { n: plan.flagRows.length })}
          description={<ul style={{ margin: 0, paddingLeft: 18 }}>{plan.flagRows.map((f, i) => <li key={i}>{f.assetTag}({f.taskCode}):{f.message}</li>)}</ul>} />
      )}
      <Descriptions size="small" bordered column={3} styles={{ label: { whiteSpace: 'nowrap' } }} items={[
        { label: t('plan.solver'), children: `${plan.solverStatus === 'optimal' ? t('plan.optimal') : plan.solverStatus}` },
        { label: t('plan.objective'), children: plan.objective.toLocaleString('zh-CN') },
        { label: t('plan.units'), children: plan.units },
        { label: t('plan.unmet'), children: plan.unmet },
        { label: t('plan.km'), children: plan.assignments.reduce((s, a) => s + a.km, 0).toFixed(1) },
        { label: t('plan.reserve'), children: plan.reserveRatio },
        { label: t('plan.createdBy'), children: `${plan.createdBy} ${time(plan.createdAt).slice(0, 16)}` },
        { label: t('plan.approvedBy'), children: plan.approvedBy ? `${plan.approvedBy} ${plan.approvalRef ?? ''}` : '—' },
      ]} />
      <Typography.Text strong>{t('plan.sent')}</Typography.Text>
      <Table<PlanAssignmentRow>
        data-testid="plan-units"
        size="small"
        rowKey="id"
        dataSource={plan.assignments}
        pagination={{ pageSize: 12, hideOnSinglePage: true }}
        locale={{ emptyText: t('plan.noUnits') }}
        columns={[
          { title: t('task.code'), dataIndex: 'taskCode', width: 112 },
          { title: t('col.itemName'), render: (_, a) => <span title={a.itemName}>{a.itemCode} {a.itemName}</span>, ellipsis: true },
          { title: t('col.assetTag'), dataIndex: 'assetTag', width: 138 },
          { title: t('col.plateNumber'), dataIndex: 'plateNumber', width: 100 },
          { title: t('plan.from'), dataIndex: 'fromName', width: 130, ellipsis: true, render: (v: string) => <span title={v}>{shortAgency(v)}</span> },
          { title: 'km', dataIndex: 'km', width: 60, align: 'right' },
          { title: t('plan.returnedAt'), dataIndex: 'returnedAt', width: 96, render: (v: string | null, a) => (v ? `${v}${a.damageNote ? ' ⚠' : ''}` : '') },
        ]}
      />
      {plan.unmetRows.length > 0 && (
        <>
          <Typography.Text strong type="danger">{t('plan.unmetTitle')}</Typography.Text>
          <Table<PlanUnmetRow>
            data-testid="plan-unmet"
            size="small"
            rowKey={(u) => `${u.taskCode}/${u.itemCode}`}
            dataSource={plan.unmetRows}
            pagination={false}
            columns={[
              { title: t('task.code'), dataIndex: 'taskCode', width: 118 },
              { title: t('col.itemName'), render: (_, u) => `${u.itemCode} ${u.itemName}`, width: 260, ellipsis: true },
              { title: t('plan.shortBy'), dataIndex: 'quantity', width: 64, align: 'right' },
              { title: t('plan.reason'), dataIndex: 'reason', width: 150, render: (r: PlanUnmetRow['reason']) => <Tag color="volcano">{t(`plan.reason.${r}` as `plan.reason.${PlanUnmetRow['reason']}`)}</Tag> },
              { title: t('plan.detail'), dataIndex: 'detail' },
            ]}
          />
        </>
      )}
      <Modal
        open={step !== null}
        width={step === 'return' ? 860 : 480}
        title={step ? t(`plan.${step}`) : ''}
        onOk={submit}
        onCancel={() => setStep(null)}
        okText={t('common.submit')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false} initialValues={{ date: dayjs(step === 'dispatch' ? firstStart(plan) : today) }}>
          {step === 'approve' && (
            <Form.Item name="approvalRef" label={t('disp.approvalRef')}><Input maxLength={100} placeholder={t('plan.refHint')} /></Form.Item>
          )}
          {(step === 'dispatch' || step === 'return') && (
            <Form.Item name="date" label={t(step === 'dispatch' ? 'plan.dispatchDate' : 'plan.returnDate')} rules={[{ required: true }]}>
              <DatePicker disabledDate={step === 'return' ? (d) => d.format('YYYY-MM-DD') > today : undefined} />
            </Form.Item>
          )}
          {step === 'return' && (
            <Table<PlanAssignmentRow>
              size="small"
              rowKey="id"
              dataSource={out}
              pagination={false}
              scroll={{ y: 360 }}
              columns={[
                { title: t('plan.back'), width: 56, render: (_, a) => <Form.Item noStyle name={['units', a.id, 'back']} valuePropName="checked" initialValue={startOf(plan, a) <= today}><Checkbox /></Form.Item> },
                { title: t('col.assetTag'), dataIndex: 'assetTag', width: 150 },
                { title: t('col.itemName'), dataIndex: 'itemName', ellipsis: true },
                { title: t('plan.odometer'), width: 130, render: (_, a) => <Form.Item style={{ margin: 0 }} name={['units', a.id, 'odometerKm']} rules={[notNegative(t, t('plan.odometer'))]}><InputNumber style={{ width: 120 }} disabled={a.itemCode !== 'S01' && a.itemCode !== 'O01'} data-testid="return-odometer" /></Form.Item> },
                { title: t('plan.damage'), width: 220, render: (_, a) => <Form.Item noStyle name={['units', a.id, 'damageNote']}><Input maxLength={1000} /></Form.Item> },
                { title: t('plan.toRepair'), width: 80, render: (_, a) => <Form.Item noStyle name={['units', a.id, 'toRepair']} valuePropName="checked"><Checkbox /></Form.Item> },
              ]}
            />
          )}
        </Form>
      </Modal>
    </div>
  );
}
