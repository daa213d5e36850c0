import { App, Button, Form, Input, InputNumber, Modal, Segmented, Space, Table, Tag } from 'antd';
import { useState } from 'react';
import type { DisposalRow, DisposalStatus } from '../../api/contract';
import { ApiError } from '../../api/client';
import { client } from '../api';
import { useI18n } from '../i18n';
import { fenField, isoDateField, notNegative, validDate } from '../lib/forms';
import { DateInput } from '../components/DateInput';
import { useClock } from '../lib/clock';
import { shortAgency, shortItem, yuan } from '../lib/format';
import { useMay } from '../lib/session';
import { useApi } from '../lib/useApi';

type Step = { kind: 'approve' | 'reject' | 'complete'; row: DisposalRow };
const COLORS: Record<DisposalStatus, string> = { requested: 'gold', approved: 'blue', scrapped: 'default', rejected: 'red' };

/** 报废: requests waiting for approval, approved ones to carry out, and the record of all. */
export function Disposals() {
  const { t } = useI18n();
  const { today } = useClock();
  const { message } = App.useApp();
  const [status, setStatus] = useState<DisposalStatus | 'all'>('requested');
  const list = useApi('disposals/list', status === 'all' ? {} : { status });
  const [step, setStep] = useState<Step | null>(null);
  const [form] = Form.useForm();
  const mayApprove = useMay('disposals/approve');
  const mayReject = useMay('disposals/reject');
  const mayComplete = useMay('disposals/complete');
  const anyAction = mayApprove || mayReject || mayComplete;

  const submit = async () => {
    // Fields the rules refuse show their messages; nothing is sent.
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      const { kind, row } = step!;
      if (kind === 'approve') await client.call('disposals/approve', { id: row.id, approvalRef: v.approvalRef });
      if (kind === 'reject') await client.call('disposals/reject', { id: row.id, note: v.note });
      if (kind === 'complete') await client.call('disposals/complete', { id: row.id, disposedDate: v.disposedDate, residualValueFen: v.residualValueFen ?? null });
      message.success(t(`disp.done.${kind}`, { tag: row.assetTag }));
      setStep(null);
      form.resetFields();
      list.reload();
    } catch (e) {
      message.error(e instanceof ApiError ? e.problems.map((p) => p.message).join(';') : (e as Error).message);
    }
  };

  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      <Segmented<DisposalStatus | 'all'>
        value={status}
        onChange={setStatus}
        options={[...(['requested', 'approved', 'scrapped', 'rejected'] as const).map((s) => ({ value: s, label: t(`disp.status.${s}`) })), { value: 'all', label: t('disp.all') }]}
      />
      <Table<DisposalRow>
        data-testid="disposals"
        size="middle"
        rowKey="id"
        loading={list.loading}
        dataSource={list.data}
        locale={{ emptyText: t('disp.none') }}
        pagination={{ pageSize: 50 }}
        columns={[
          { title: t('col.assetTag'), dataIndex: 'assetTag', width: 150 },
          // Names without their long common parts, the whole name on hover.
          { title: t('col.itemName'), dataIndex: 'itemName', width: 140, ellipsis: { showTitle: false }, render: (v: string) => <span title={v}>{shortItem(v)}</span> },
          { title: t('col.agencyName'), dataIndex: 'agencyName', width: 150, ellipsis: { showTitle: false }, render: (v: string) => <span title={v}>{shortAgency(v)}</span> },
          { title: t('disp.reason'), dataIndex: 'reason', ellipsis: true },
          { title: t('disp.requestedBy'), dataIndex: 'requestedBy', width: 90 },
          { title: t('col.status'), dataIndex: 'status', width: 80, render: (s: DisposalStatus) => <Tag color={COLORS[s]}>{t(`disp.status.${s}`)}</Tag> },
          { title: t('disp.approvalRef'), dataIndex: 'approvalRef', width: 130, ellipsis: true },
          { title: t('disp.residual'), dataIndex: 'residualValueFen', width: 100, align: 'right', render: yuan },
          ...(anyAction ? [{
            title: t('common.actions'), width: 150, render: (_: unknown, row: DisposalRow) => (
              <Space size={4}>
                {row.status === 'requested' && mayApprove && <Button size="small" type="primary" onClick={() => setStep({ kind: 'approve', row })}>{t('disp.approve')}</Button>}
                {row.status === 'requested' && mayReject && <Button size="small" danger onClick={() => setStep({ kind: 'reject', row })}>{t('disp.reject')}</Button>}
                {row.status === 'approved' && mayComplete && <Button size="small" type="primary" onClick={() => setStep({ kind: 'complete', row })}>{t('disp.complete')}</Button>}
              </Space>
            ),
          }] : []),
        ]}
      />
      <Modal
        open={step !== null}
        title={step ? `${t(step.kind === 'approve' ? 'disp.approve' : step.kind === 'reject' ? 'disp.reject' : 'disp.complete')} · ${step.row.assetTag}` : ''}
        onOk={submit}
        onCancel={() => setStep(null)}
        okText={t('common.submit')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" preserve={false} initialValues={{ disposedDate: today }}>
          {step?.kind === 'approve' && <Form.Item name="approvalRef" label={t('disp.approvalRef')} rules={[{ required: true, whitespace: true }]}><Input maxLength={100} /></Form.Item>}
          {step?.kind === 'reject' && <Form.Item name="note" label={t('disp.note')} rules={[{ required: true, whitespace: true }]}><Input.TextArea maxLength={1000} /></Form.Item>}
          {step?.kind === 'complete' && (
            <>
              <Form.Item name="disposedDate" label={t('disp.disposedDate')} rules={[{ required: true }, validDate(t, t('disp.disposedDate'))]} {...isoDateField}><DateInput /></Form.Item>
              <Form.Item name="residualValueFen" label={t('disp.residual')} rules={[notNegative(t, t('disp.residual'))]} {...fenField}><InputNumber precision={2} /></Form.Item>
            </>
          )}
        </Form>
      </Modal>
    </div>
  );
}
