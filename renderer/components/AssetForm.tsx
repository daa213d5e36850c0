import { Alert, App, Button, Col, Form, Input, InputNumber, Row, Select, TreeSelect } from 'antd';
import { useMemo, useState } from 'react';
import type { AgencyNode, AssetFields, AssetRow } from '../../api/contract';
import type { CatalogItem } from '../../api/contract';
import { formatProblem, type Problem } from '../../lib/problems';
import { client } from '../api';
import { useI18n } from '../i18n';
import { blanksToNull, fenField, isoDateField, notNegative, showProblems, validDate } from '../lib/forms';
import { useMay } from '../lib/session';
import { DateInput } from './DateInput';
import { agencyTree } from '../lib/tree';

const EMPTY: AssetFields = {
  assetTag: '', itemCode: '', agencyCode: '', model: null, serialNumber: null, purchaseDate: null, priceFen: null, fundingSource: null,
  status: 'in_service', custodian: null, location: null, plateNumber: null, odometerKm: null, calibrationValidUntil: null, notes: null,
};

/** Create or edit one asset; problems appear next to their fields and nothing typed is lost. */
export function AssetForm(props: { asset?: AssetRow; agencies: AgencyNode[]; catalog: CatalogItem[]; defaultAgency?: string; onSaved: (a: AssetRow) => void }) {
  const mayEdit = useMay(props.asset ? 'assets/update' : 'assets/create');
  const { t } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<AssetFields>();
  const [saving, setSaving] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const tree = useMemo(() => agencyTree(props.agencies), [props.agencies]);
  const scrapped = props.asset?.status === 'scrapped';
  const initial = useMemo<AssetFields>(() => {
    if (!props.asset) return { ...EMPTY, agencyCode: props.defaultAgency ?? '' };
    const { id: _id, itemName: _i, agencyName: _a, ...fields } = props.asset;
    return fields;
  }, [props.asset, props.defaultAgency]);

  const save = async (values: AssetFields) => {
    setSaving(true);
    setProblems([]);
    try {
      const fields = blanksToNull({ ...initial, ...values });
      const saved = props.asset ? await client.call('assets/update', { id: props.asset.id, fields }) : await client.call('assets/create', fields);
      message.success(t('asset.saved'));
      props.onSaved(saved);
    } catch (e) {
      setProblems(showProblems(form, e));
    } finally {
      setSaving(false);
    }
  };

  const statuses = (['in_service', 'under_repair', 'idle'] as const).map((s) => ({ value: s, label: t(`status.${s}`) }));
  const req = [{ required: true }];
  return (
    <Form form={form} layout="vertical" initialValues={initial} onFinish={save} disabled={scrapped || !mayEdit} data-testid="asset-form" size="middle">
      <Row gutter={12}>
        <Col span={12}><Form.Item name="assetTag" label={t('col.assetTag')} rules={req}><Input maxLength={64} /></Form.Item></Col>
        <Col span={12}>
          <Form.Item name="status" label={t('col.status')} rules={req}>
            <Select options={scrapped ? [{ value: 'scrapped', label: t('status.scrapped') }] : statuses} />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="itemCode" label={t('col.itemName')} rules={req}>
            <Select showSearch optionFilterProp="label" placeholder={t('asset.pickItem')} options={props.catalog.map((i) => ({ value: i.code, label: `${i.code} ${i.name}` }))} />
          </Form.Item>
        </Col>
        <Col span={24}>
          <Form.Item name="agencyCode" label={t('col.agencyName')} rules={req}>
            <TreeSelect treeData={tree} showSearch treeNodeFilterProp="title" treeDefaultExpandAll={false} />
          </Form.Item>
        </Col>
        <Col span={12}><Form.Item name="model" label={t('col.model')}><Input maxLength={200} /></Form.Item></Col>
        <Col span={12}><Form.Item name="serialNumber" label={t('col.serialNumber')}><Input maxLength={100} /></Form.Item></Col>
        <Col span={8}><Form.Item name="purchaseDate" label={t('col.purchaseDate')} rules={[validDate(t, t('col.purchaseDate'))]} {...isoDateField}><DateInput style={{ width: '100%' }} /></Form.Item></Col>
        <Col span={8}><Form.Item name="priceFen" label={t('col.priceFen')} rules={[notNegative(t, t('col.priceFen'))]} {...fenField}><InputNumber style={{ width: '100%' }} precision={2} /></Form.Item></Col>
        <Col span={8}><Form.Item name="fundingSource" label={t('col.fundingSource')}><Input maxLength={100} /></Form.Item></Col>
        <Col span={8}><Form.Item name="custodian" label={t('col.custodian')}><Input maxLength={50} /></Form.Item></Col>
        <Col span={16}><Form.Item name="location" label={t('col.location')}><Input maxLength={200} /></Form.Item></Col>
        <Col span={8}><Form.Item name="plateNumber" label={t('col.plateNumber')}><Input maxLength={20} /></Form.Item></Col>
        <Col span={8}><Form.Item name="odometerKm" label={t('col.odometerKm')} rules={[notNegative(t, t('col.odometerKm'))]}><InputNumber style={{ width: '100%' }} precision={0} /></Form.Item></Col>
        <Col span={8}><Form.Item name="calibrationValidUntil" label={t('col.calibrationValidUntil')} rules={[validDate(t, t('col.calibrationValidUntil'))]} {...isoDateField}><DateInput style={{ width: '100%' }} /></Form.Item></Col>
        <Col span={24}><Form.Item name="notes" label={t('col.notes')}><Input.TextArea rows={2} maxLength={2000} /></Form.Item></Col>
      </Row>
      {problems.length > 0 && (
        <Alert type="error" showIcon style={{ marginBottom: 12 }} title={t('asset.saveFailed')} description={problems.map(formatProblem).join('\n')} />
      )}
      {!scrapped && mayEdit && <Button type="primary" htmlType="submit" loading={saving} data-testid="asset-save">{t('asset.save')}</Button>}
    </Form>
  );
}
