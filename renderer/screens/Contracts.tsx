import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Drawer, Form, Input, InputNumber, Popconfirm, Select, Space, Table, Tag, TreeSelect } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useMemo, useState } from 'react';
import { CONTRACT_STATE_NAMES, type AgencyNode, type CatalogItem, type ContractFields, type ContractRow, type ContractState } from '../../api/contract';
import { client } from '../api';
import { AgencyPicker } from '../components/AgencyPicker';
import { DateRangeInput } from '../components/DateInput';
import { useI18n } from '../i18n';
import { fenField, inRange, showProblems } from '../lib/forms';
import { shortAgency, yuan } from '../lib/format';
import { useMay } from '../lib/session';
import { agencyTree } from '../lib/tree';
import { useApi } from '../lib/useApi';

const STATE_COLORS: Record<ContractState, string> = { future: 'default', active: 'green', ending: 'orange', ended: 'red' };

type Values = Omit<ContractFields, 'validFrom' | 'validTo'> & { period: [Dayjs, Dayjs] };

/** A contract's editor: who signed it with whom, for which agencies, what it supplies each, when, and at what cost a year. */
function ContractForm({ contract, agencies, catalog, onClose, onSaved }: { contract: ContractRow | null; agencies: AgencyNode[]; catalog: CatalogItem[]; onClose: () => void; onSaved: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [saving, setSaving] = useState(false);
  const tree = useMemo(() => agencyTree(agencies), [agencies]);
  const items = catalog.map((c) => ({ value: c.code, label: `${c.code} ${c.name}` }));
  const initial: Partial<Values> = contract
    ? { ...contract, period: [dayjs(contract.validFrom), dayjs(contract.validTo)] }
    : { items: [{ item: '', quantity: 1 }], agencies: [], reference: null, note: null };

  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    const fields: ContractFields = {
      agency: v.agency, provider: v.provider, reference: v.reference?.trim() || null, validFrom: v.period[0].format('YYYY-MM-DD'), validTo: v.period[1].format('YYYY-MM-DD'),
      costPerYearFen: v.costPerYearFen, items: v.items.filter((i) => i?.item), agencies: v.agencies, note: v.note?.trim() || null,
    };
    setSaving(true);
    try {
      await client.call('contracts/save', { id: contract?.id ?? null, fields });
      message.success(t('contract.saved'));
      onSaved();
    } catch (e) {
      const rest = showProblems(form, e);
      if (rest.length) message.error(rest.map((p) => p.message).join(';'));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      open size={640} onClose={onClose}
      title={contract ? `${t('contract.edit')} · ${contract.provider}` : t('contract.new')}
      extra={<Space><Button onClick={onClose}>{t('common.cancel')}</Button><Button type="primary" loading={saving} onClick={save} data-testid="contract-save">{t('common.save')}</Button></Space>}
    >
      <Form form={form} layout="vertical" initialValues={initial} data-testid="contract-form">
        <Space.Compact block>
          <Form.Item name="provider" label={t('contract.provider')} rules={[{ required: true, whitespace: true }]} style={{ flex: 1 }}><Input maxLength={100} data-testid="contract-provider" /></Form.Item>
          <Form.Item name="reference" label={t('contract.reference')} style={{ width: 200 }}><Input maxLength={50} /></Form.Item>
        </Space.Compact>
        <Form.Item name="agency" label={t('contract.agency')} rules={[{ required: true }]}><AgencyPicker agencies={agencies} width={580} /></Form.Item>
        <Form.Item name="agencies" label={t('contract.covered')} tooltip={t('contract.coveredHint')} rules={[{ required: true, type: 'array', min: 1 }]}>
          <TreeSelect
            data-testid="contract-covered" treeData={tree} treeCheckable treeCheckStrictly={false} showCheckedStrategy={TreeSelect.SHOW_ALL}
            treeDefaultExpandedKeys={tree.map((n) => n.value)} showSearch treeNodeFilterProp="title" maxTagCount={6} style={{ width: 580 }}
          />
        </Form.Item>
        <Space size={16} wrap>
          <Form.Item name="period" label={t('contract.period')} rules={[{ required: true }]}><DateRangeInput /></Form.Item>
          <Form.Item name="costPerYearFen" label={t('contract.cost')} rules={[{ required: true }, inRange(t, t('contract.cost'), 0)]} {...fenField}>
            <InputNumber style={{ width: 180 }} precision={2} data-testid="contract-cost" />
          </Form.Item>
        </Space>
        <Form.Item label={t('contract.items')} required>
          <Form.List name="items">
            {(fields, { add, remove }) => (
              <>
                {fields.map((f) => (
                  <Space key={f.key} align="baseline">
                    <Form.Item name={[f.name, 'item']} rules={[{ required: true, message: t('common.required') }]}>
                      <Select showSearch optionFilterProp="label" options={items} style={{ width: 400 }} data-testid="contract-item" />
                    </Form.Item>
                    <Form.Item name={[f.name, 'quantity']} rules={[{ required: true, message: t('common.required') }, inRange(t, t('budget.quantity'), 1, 10000)]}>
                      <InputNumber style={{ width: 100 }} />
                    </Form.Item>
                    {fields.length > 1 && <MinusCircleOutlined onClick={() => remove(f.name)} />}
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ quantity: 1 })}>{t('contract.addItem')}</Button>
              </>
            )}
          </Form.List>
        </Form.Item>
        <Form.Item name="note" label={t('contract.note')}><Input.TextArea maxLength={2000} rows={2} /></Form.Item>
      </Form>
    </Drawer>
  );
}

/** 购买服务: the service contracts signed or covering within the reader's scope, and their editor for those who may. */
export function Contracts({ agencies, catalog }: { agencies: AgencyNode[]; catalog: CatalogItem[] }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const list = useApi('contracts/list', {});
  const maySave = useMay('contracts/save');
  const [editing, setEditing] = useState<ContractRow | null | undefined>();
  const names = useMemo(() => new Map(catalog.map((c) => [c.code, c.name])), [catalog]);
  const remove = async (c: ContractRow) => {
    try {
      await client.call('contracts/delete', { id: c.id });
      message.success(t('contract.deleted'));
      list.reload();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, flex: 1, minHeight: 0, overflow: 'auto' }}>
      <Alert type="info" showIcon title={t('contract.help')} />
      {maySave && <div><Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="contract-new">{t('contract.new')}</Button></div>}
      <Table<ContractRow>
        size="small" rowKey="id" data-testid="contracts" loading={list.loading} dataSource={list.data ?? []} pagination={false}
        locale={{ emptyText: t('contract.empty') }}
        columns={[
          { title: t('contract.state'), dataIndex: 'state', width: 90, render: (s: ContractState) => <Tag color={STATE_COLORS[s]}>{CONTRACT_STATE_NAMES[s]}</Tag> },
          { title: t('contract.provider'), dataIndex: 'provider', render: (p: string, c) => <>{p}{c.reference && <div style={{ color: '#8c8c8c' }}>{c.reference}</div>}</> },
          { title: t('contract.agency'), dataIndex: 'agencyName', width: 130, render: (n: string) => <span title={n}>{shortAgency(n)}</span> },
          {
            title: t('contract.covered'), key: 'covered', width: 220,
            render: (_, c) => <>{c.agencyNames.slice(0, 3).map(shortAgency).join('、')}{c.agencyNames.length > 3 ? ` 等 ${c.agencyNames.length} 个` : ''}{c.hiddenAgencies > 0 && <div style={{ color: '#8c8c8c' }}>{t('contract.hidden', { n: c.hiddenAgencies })}</div>}</>,
          },
          { title: t('contract.items'), key: 'items', width: 230, render: (_, c) => c.items.map((i) => <div key={i.item}>{i.item} {names.get(i.item)} × {i.quantity}</div>) },
          { title: t('contract.period'), key: 'period', width: 190, render: (_, c) => `${c.validFrom} 至 ${c.validTo}` },
          { title: t('contract.cost'), dataIndex: 'costPerYearFen', width: 120, align: 'right', render: (f: number) => yuan(f) },
          ...(maySave ? [{
            title: t('common.actions'), key: 'actions', width: 110,
            render: (_: unknown, c: ContractRow) => c.mine && (
              <Space size={4}>
                <Button size="small" type="link" onClick={() => setEditing(c)}>{t('common.edit')}</Button>
                <Popconfirm title={t('contract.deleteConfirm', { name: c.provider })} onConfirm={() => remove(c)}><Button size="small" type="link" danger>{t('common.delete')}</Button></Popconfirm>
              </Space>
            ),
          }] : []),
        ]}
      />
      {editing !== undefined && <ContractForm contract={editing} agencies={agencies} catalog={catalog} onClose={() => setEditing(undefined)} onSaved={() => { setEditing(undefined); list.reload(); }} />}
    </div>
  );
}
