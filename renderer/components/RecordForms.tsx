import { Alert, Button, DatePicker, Form, Input, InputNumber, Select, Space } from 'antd';
import { useState, type ReactNode } from 'react';
import type { AssetRow, CalibrationInput, MaintenanceInput } from '../../api/contract';
import { formatProblem, type Problem } from '../../lib/problems';
import { client } from '../api';
import { useI18n } from '../i18n';
import { blanksToNull, fenField, isoDateField, showProblems } from '../lib/forms';

/** A small form that submits once, shows problems at their fields, and keeps the input on failure. */
function RecordForm<T extends object>(props: { initial: Partial<T>; submit: (v: T) => Promise<unknown>; onDone: () => void; children: ReactNode; testId: string; label: string }) {
  const [form] = Form.useForm<T>();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  return (
    <Form
      form={form}
      layout="vertical"
      initialValues={props.initial}
      data-testid={props.testId}
      onFinish={async (values) => {
        setBusy(true);
        setProblems([]);
        try {
          await props.submit(blanksToNull({ ...props.initial, ...values }) as T);
          form.resetFields();
          props.onDone();
        } catch (e) {
          setProblems(showProblems(form, e));
        } finally {
          setBusy(false);
        }
      }}
    >
      {props.children}
      {problems.length > 0 && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={problems.map(formatProblem).join('\n')} />}
      <div><Button type="primary" htmlType="submit" loading={busy}>{props.label}</Button></div>
    </Form>
  );
}

export function MaintenanceForm({ asset, today, onDone }: { asset: AssetRow; today: string; onDone: () => void }) {
  const { t } = useI18n();
  const req = [{ required: true, message: t('common.required') }];
  return (
    <RecordForm<MaintenanceInput>
      testId="maintenance-form"
      label={t('maint.add')}
      initial={{ assetId: asset.id, date: today, kind: 'repair', costFen: null, vendor: null, odometerKm: asset.odometerKm, nextDueDate: null, setStatus: null }}
      submit={(v) => client.call('maintenance/create', v)}
      onDone={onDone}
    >
      <Space wrap align="start">
        <Form.Item name="date" label={t('maint.date')} rules={req} {...isoDateField}><DatePicker /></Form.Item>
        <Form.Item name="kind" label={t('maint.kind')} rules={req}>
          <Select style={{ width: 100 }} options={(['repair', 'service', 'inspection'] as const).map((k) => ({ value: k, label: t(`maint.kind.${k}`) }))} />
        </Form.Item>
        <Form.Item name="setStatus" label={t('maint.setStatus')}>
          <Select style={{ width: 170 }} allowClear placeholder={t('maint.keepStatus')} options={[{ value: 'under_repair', label: t('maint.toRepair') }, { value: 'in_service', label: t('maint.toService') }]} />
        </Form.Item>
      </Space>
      <Form.Item name="description" label={t('maint.description')} rules={req}><Input.TextArea rows={2} maxLength={1000} /></Form.Item>
      <Space wrap align="start">
        <Form.Item name="costFen" label={t('maint.cost')} {...fenField}><InputNumber min={0} precision={2} /></Form.Item>
        <Form.Item name="vendor" label={t('maint.vendor')}><Input maxLength={100} /></Form.Item>
        <Form.Item name="odometerKm" label={t('maint.odometer')}><InputNumber min={0} precision={0} /></Form.Item>
        <Form.Item name="nextDueDate" label={t('maint.nextDue')} {...isoDateField}><DatePicker /></Form.Item>
      </Space>
    </RecordForm>
  );
}

export function CalibrationForm({ asset, today, onDone }: { asset: AssetRow; today: string; onDone: () => void }) {
  const { t } = useI18n();
  const req = [{ required: true, message: t('common.required') }];
  return (
    <RecordForm<CalibrationInput>
      testId="calibration-form"
      label={t('cal.add')}
      initial={{ assetId: asset.id, date: today, result: 'pass', certificateNo: null, institution: null, notes: null }}
      submit={(v) => client.call('calibrations/create', v)}
      onDone={onDone}
    >
      <Space wrap align="start">
        <Form.Item name="date" label={t('cal.date')} rules={req} {...isoDateField}><DatePicker /></Form.Item>
        <Form.Item name="validUntil" label={t('cal.validUntil')} rules={req} {...isoDateField}><DatePicker /></Form.Item>
        <Form.Item name="result" label={t('cal.result')} rules={req}>
          <Select style={{ width: 100 }} options={[{ value: 'pass', label: t('cal.pass') }, { value: 'fail', label: t('cal.fail') }]} />
        </Form.Item>
        <Form.Item name="certificateNo" label={t('cal.certificate')}><Input maxLength={100} /></Form.Item>
        <Form.Item name="institution" label={t('cal.institution')}><Input maxLength={100} /></Form.Item>
      </Space>
    </RecordForm>
  );
}

export function DisposalRequestForm({ asset, onDone }: { asset: AssetRow; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <RecordForm<{ assetId: number; reason: string }>
      testId="disposal-request-form"
      label={t('disp.request')}
      initial={{ assetId: asset.id }}
      submit={(v) => client.call('disposals/request', v)}
      onDone={onDone}
    >
      <Form.Item name="reason" label={t('disp.reason')} rules={[{ required: true, message: t('common.required') }]}><Input.TextArea rows={2} maxLength={1000} /></Form.Item>
    </RecordForm>
  );
}
