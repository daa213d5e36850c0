import { Alert, Button, Form, Input, InputNumber, Select, Space } from 'antd';
import { useState, type ReactNode } from 'react';
import type { AssetHistory, AssetRow, CalibrationFields, CalibrationInput, MaintenanceFields, MaintenanceInput } from '../../api/contract';
import { formatProblem, type Problem } from '../../lib/problems';
import { client } from '../api';
import { useI18n } from '../i18n';
import { blanksToNull, fenField, isoDateField, notNegative, showProblems, validDate } from '../lib/forms';
import { DateInput } from './DateInput';

type MaintenanceRecord = AssetHistory['maintenance'][number];
type CalibrationRecord = AssetHistory['calibrations'][number];

/** A small form that submits once, shows problems at their fields, and keeps the input on failure. */
function RecordForm<T extends object>(props: { initial: Partial<T>; submit: (v: T) => Promise<unknown>; onDone: () => void; children: ReactNode; testId: string; label: string }) {
  const [form] = Form.useForm<T>();
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  return (
    <Form
      form={form}
      // Field ids carry the form's name: a correction dialog over the drawer has the same fields as the drawer's own form.
      name={props.testId}
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

const pick = <T extends object, K extends keyof T>(o: T, keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;
const MAINTENANCE_KEYS = ['date', 'kind', 'description', 'costFen', 'vendor', 'odometerKm', 'nextDueDate'] as const;
const CALIBRATION_KEYS = ['date', 'validUntil', 'certificateNo', 'institution', 'result', 'notes'] as const;

/** Logs maintenance for an asset, or corrects one record (`record`): the correction keeps the asset's status as it is. */
export function MaintenanceForm({ asset, today, record, onDone }: { asset: AssetRow; today: string; record?: MaintenanceRecord; onDone: () => void }) {
  const { t } = useI18n();
  const req = [{ required: true }];
  return (
    <RecordForm<MaintenanceInput>
      testId={record ? 'maintenance-edit-form' : 'maintenance-form'}
      label={record ? t('record.saveCorrection') : t('maint.add')}
      initial={record
        ? { assetId: asset.id, setStatus: null, ...pick(record, MAINTENANCE_KEYS) }
        : { assetId: asset.id, date: today, kind: 'repair', costFen: null, vendor: null, odometerKm: asset.odometerKm, nextDueDate: null, setStatus: null }}
      submit={(v) => (record
        ? client.call('maintenance/update', { id: record.id, fields: pick(v, MAINTENANCE_KEYS) as MaintenanceFields })
        : client.call('maintenance/create', v))}
      onDone={onDone}
    >
      <Space wrap align="start">
        <Form.Item name="date" label={t('maint.date')} rules={[...req, validDate(t, t('maint.date'))]} {...isoDateField}><DateInput /></Form.Item>
        <Form.Item name="kind" label={t('maint.kind')} rules={req}>
          <Select style={{ width: 100 }} options={(['repair', 'service', 'inspection'] as const).map((k) => ({ value: k, label: t(`maint.kind.${k}`) }))} />
        </Form.Item>
        {!record && (
          <Form.Item name="setStatus" label={t('maint.setStatus')}>
            <Select style={{ width: 170 }} allowClear placeholder={t('maint.keepStatus')} options={[{ value: 'under_repair', label: t('maint.toRepair') }, { value: 'in_service', label: t('maint.toService') }]} />
          </Form.Item>
        )}
      </Space>
      <Form.Item name="description" label={t('maint.description')} rules={req}><Input.TextArea rows={2} maxLength={1000} /></Form.Item>
      <Space wrap align="start">
        <Form.Item name="costFen" label={t('maint.cost')} rules={[notNegative(t, t('maint.cost'))]} {...fenField}><InputNumber precision={2} /></Form.Item>
        <Form.Item name="vendor" label={t('maint.vendor')}><Input maxLength={100} /></Form.Item>
        <Form.Item name="odometerKm" label={t('maint.odometer')} rules={[notNegative(t, t('maint.odometer'))]}><InputNumber precision={0} /></Form.Item>
        <Form.Item name="nextDueDate" label={t('maint.nextDue')} rules={[validDate(t, t('maint.nextDue'))]} {...isoDateField}><DateInput /></Form.Item>
      </Space>
    </RecordForm>
  );
}

/** Records a verification, or corrects one record (`record`). */
export function CalibrationForm({ asset, today, record, onDone }: { asset: AssetRow; today: string; record?: CalibrationRecord; onDone: () => void }) {
  const { t } = useI18n();
  const req = [{ required: true }];
  return (
    <RecordForm<CalibrationInput>
      testId={record ? 'calibration-edit-form' : 'calibration-form'}
      label={record ? t('record.saveCorrection') : t('cal.add')}
      initial={record ? { assetId: asset.id, ...pick(record, CALIBRATION_KEYS) } : { assetId: asset.id, date: today, result: 'pass', certificateNo: null, institution: null, notes: null }}
      submit={(v) => (record
        ? client.call('calibrations/update', { id: record.id, fields: pick(v, CALIBRATION_KEYS) as CalibrationFields })
        : client.call('calibrations/create', v))}
      onDone={onDone}
    >
      <Space wrap align="start">
        <Form.Item name="date" label={t('cal.date')} rules={[...req, validDate(t, t('cal.date'))]} {...isoDateField}><DateInput /></Form.Item>
        <Form.Item name="validUntil" label={t('cal.validUntil')} rules={[...req, validDate(t, t('cal.validUntil'))]} {...isoDateField}><DateInput /></Form.Item>
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
      <Form.Item name="reason" label={t('disp.reason')} rules={[{ required: true, whitespace: true }]}><Input.TextArea rows={2} maxLength={1000} /></Form.Item>
    </RecordForm>
  );
}

/** Voids a maintenance or calibration record entered by mistake, with the reason; it stays in the history. */
export function VoidForm({ kind, id, onDone }: { kind: 'maintenance' | 'calibration'; id: number; onDone: () => void }) {
  const { t } = useI18n();
  return (
    <RecordForm<{ id: number; reason: string }>
      testId="void-form"
      label={t('record.void')}
      initial={{ id }}
      submit={(v) => client.call(kind === 'maintenance' ? 'maintenance/void' : 'calibrations/void', v)}
      onDone={onDone}
    >
      <Alert type="warning" showIcon style={{ marginBottom: 12 }} title={t('record.voidHint')} />
      <Form.Item name="reason" label={t('record.voidReason')} rules={[{ required: true, whitespace: true }]}><Input.TextArea rows={2} maxLength={500} /></Form.Item>
    </RecordForm>
  );
}
