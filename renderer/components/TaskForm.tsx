import { MinusCircleOutlined, PlusOutlined, TeamOutlined } from '@ant-design/icons';
import { App, Button, Drawer, Form, Input, InputNumber, Radio, Select, Space } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useState } from 'react';
import { TASK_TYPES, type AgencyNode, type TaskFields, type TaskRow, type TaskType } from '../../api/contract';
import type { CatalogItem } from '../../api/contract';
import { client } from '../api';
import { useI18n } from '../i18n';
import { inRange, showProblems } from '../lib/forms';
import { DateRangeInput } from './DateInput';
import { AgencyPicker } from './AgencyPicker';

type Where = 'lead' | 'agency' | 'coordinates';
type Values = Omit<TaskFields, 'startDate' | 'endDate'> & { dates: [Dayjs, Dayjs]; where: Where };

function initial(task: TaskRow | null): Partial<Values> {
  if (!task) return { type: 'special', priority: 3, where: 'lead', demand: [], code: null, teamSize: null, notes: null, locationAgency: null, latitude: null, longitude: null };
  const where: Where = task.latitude !== null ? 'coordinates' : task.locationAgency ? 'agency' : 'lead';
  return { ...task, where, dates: [dayjs(task.startDate), dayjs(task.endDate)] };
}

/** A task's editor: what, who leads, where, when, how urgent, and the units it needs (typed, or derived from the team size). */
export function TaskForm(props: { task: TaskRow | null; agencies: AgencyNode[]; catalog: CatalogItem[]; onClose: () => void; onSaved: (t: TaskRow) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const where = Form.useWatch('where', form);
  const items = props.catalog.map((c) => ({ value: c.code, label: `${c.code} ${c.name}` }));

  const derive = async () => {
    // Fields the rules refuse show their messages; nothing is sent.
    const v = await form.validateFields(['leadAgency', 'teamSize']).catch(() => null);
    if (!v) return;
    const { leadAgency, teamSize } = v;
    if (!leadAgency || !teamSize) return message.warning(t('task.teamNeedsLead'));
    const derived = await client.call('tasks/teamDemand', { leadAgency, teamSize });
    const kept = (form.getFieldValue('demand') as TaskFields['demand'] ?? []).filter((d) => d && !(d.item in derived));
    form.setFieldValue('demand', [...Object.entries(derived).map(([item, quantity]) => ({ item, quantity })), ...kept]);
  };

  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const fields: TaskFields = {
      code: v.code?.trim() || null, name: v.name, type: v.type, leadAgency: v.leadAgency,
      locationAgency: v.where === 'agency' ? v.locationAgency : null,
      latitude: v.where === 'coordinates' ? v.latitude : null, longitude: v.where === 'coordinates' ? v.longitude : null,
      startDate: v.dates[0].format('YYYY-MM-DD'), endDate: v.dates[1].format('YYYY-MM-DD'), priority: v.priority, teamSize: v.teamSize ?? null,
      notes: v.notes?.trim() || null, demand: (v.demand ?? []).filter((d) => d?.item),
    };
    setSaving(true);
    try {
      props.onSaved(await client.call('tasks/save', { id: props.task?.id ?? null, fields }));
    } catch (e) {
      const rest = showProblems(form, e);
      if (rest.length) message.error(rest.map((p) => p.message).join(';'));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      open
      size={620}
      title={props.task ? `${t('task.edit')} · ${props.task.code}` : t('task.new')}
      onClose={props.onClose}
      extra={<Space><Button onClick={props.onClose}>{t('common.cancel')}</Button><Button type="primary" loading={saving} onClick={save} data-testid="task-save">{t('common.save')}</Button></Space>}
    >
      <Form form={form} layout="vertical" initialValues={initial(props.task)} data-testid="task-form">
        <Space.Compact block>
          <Form.Item name="code" label={t('task.code')} style={{ width: 170 }}><Input placeholder={t('task.codeAuto')} maxLength={50} /></Form.Item>
          <Form.Item name="name" label={t('task.name')} rules={[{ required: true, whitespace: true }]} style={{ flex: 1 }}><Input maxLength={100} /></Form.Item>
        </Space.Compact>
        <Space size={16} wrap>
          <Form.Item name="type" label={t('task.type')} rules={[{ required: true }]}>
            <Radio.Group optionType="button" options={(Object.keys(TASK_TYPES) as TaskType[]).map((k) => ({ value: k, label: TASK_TYPES[k] }))} />
          </Form.Item>
          <Form.Item name="priority" label={t('task.priority')} rules={[{ required: true }]} tooltip={t('task.priorityHint')}>
            <Select style={{ width: 120 }} options={[1, 2, 3, 4, 5].map((p) => ({ value: p, label: `${p}${p === 5 ? `(${t('task.highest')})` : p === 1 ? `(${t('task.lowest')})` : ''}` }))} />
          </Form.Item>
        </Space>
        <Form.Item name="leadAgency" label={t('task.lead')} rules={[{ required: true }]}>
          <AgencyPicker agencies={props.agencies} width={560} />
        </Form.Item>
        <Form.Item name="where" label={t('task.where')}>
          <Radio.Group options={[{ value: 'lead', label: t('task.whereLead') }, { value: 'agency', label: t('task.whereAgency') }, { value: 'coordinates', label: t('task.whereCoords') }]} />
        </Form.Item>
        {where === 'agency' && (
          <Form.Item name="locationAgency" rules={[{ required: true, message: t('common.required') }]}><AgencyPicker agencies={props.agencies} width={560} /></Form.Item>
        )}
        {where === 'coordinates' && (
          <Space>
            <Form.Item name="latitude" label={t('ag.lat')} rules={[{ required: true, message: t('common.required') }, inRange(t, t('ag.lat'), -90, 90)]}><InputNumber step={0.01} style={{ width: 160 }} /></Form.Item>
            <Form.Item name="longitude" label={t('ag.lon')} rules={[{ required: true, message: t('common.required') }, inRange(t, t('ag.lon'), -180, 180)]}><InputNumber step={0.01} style={{ width: 160 }} /></Form.Item>
          </Space>
        )}
        <Form.Item name="dates" label={t('task.dates')} rules={[{ required: true }]}><DateRangeInput /></Form.Item>
        <Form.Item label={t('task.teamSize')} tooltip={t('task.teamHint')}>
          <Space>
            <Form.Item name="teamSize" noStyle rules={[inRange(t, t('task.teamSize'), 1, 10000)]}><InputNumber style={{ width: 120 }} data-testid="task-team-size" /></Form.Item>
            <Button icon={<TeamOutlined />} onClick={derive} data-testid="task-derive">{t('task.derive')}</Button>
          </Space>
        </Form.Item>
        <Form.Item label={t('task.demand')} required>
          <Form.List name="demand">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline">
                    <Form.Item name={[f.name, 'item']} rules={[{ required: true, message: t('common.required') }]}>
                      <Select showSearch optionFilterProp="label" options={items} style={{ width: 380 }} placeholder={t('task.item')} />
                    </Form.Item>
                    <Form.Item name={[f.name, 'quantity']} rules={[{ required: true, message: t('common.required') }, inRange(t, t('budget.quantity'), 1, 10000)]}><InputNumber style={{ width: 100 }} /></Form.Item>
                    <MinusCircleOutlined onClick={() => remove(f.name)} />
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ quantity: 1 })} data-testid="task-add-line">{t('task.addLine')}</Button>
              </>
            )}
          </Form.List>
        </Form.Item>
        <Form.Item name="notes" label={t('task.notes')}><Input.TextArea maxLength={2000} rows={2} /></Form.Item>
      </Form>
    </Drawer>
  );
}
