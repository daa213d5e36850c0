import { App, Button, Input, Popover, Select, Space, Tag } from 'antd';
import { useState } from 'react';
import type { AgencyNode, AssetStatus, BulkChange } from '../../api/contract';
import { client } from '../api';
import { useI18n } from '../i18n';
import { AgencyPicker } from './AgencyPicker';

/** Actions on the selected assets: change status, transfer to another agency, set the custodian. */
export function BulkBar({ agencies, ids, onDone }: { agencies: AgencyNode[]; ids: number[]; onDone: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [status, setStatus] = useState<Exclude<AssetStatus, 'scrapped'>>();
  const [agency, setAgency] = useState<string>();
  const [custodian, setCustodian] = useState('');
  const [busy, setBusy] = useState(false);
  const apply = async (change: BulkChange) => {
    setBusy(true);
    try {
      const r = await client.call('assets/bulkUpdate', { ids, change });
      message.success(t('bulk.done', { n: r.updated }));
      onDone();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const action = (label: string, content: React.ReactNode, change: BulkChange | null, testId: string) => (
    <Popover trigger="click" content={<Space>{content}<Button type="primary" disabled={!change} loading={busy} onClick={() => change && apply(change)}>{t('bulk.apply')}</Button></Space>}>
      <Button data-testid={testId}>{label}</Button>
    </Popover>
  );
  return (
    <Space data-testid="bulk-bar">
      <Tag color="blue">{t('bulk.selected', { n: ids.length })}</Tag>
      {action(t('bulk.status'), (
        <Select style={{ width: 120 }} value={status} onChange={setStatus} options={(['in_service', 'under_repair', 'idle'] as const).map((s) => ({ value: s, label: t(`status.${s}`) }))} />
      ), status ? { status } : null, 'bulk-status')}
      {action(t('bulk.transfer'), <AgencyPicker agencies={agencies} value={agency} onChange={setAgency} />, agency ? { agencyCode: agency } : null, 'bulk-transfer')}
      {action(t('bulk.custodian'), <Input style={{ width: 140 }} value={custodian} maxLength={50} onChange={(e) => setCustodian(e.target.value)} />, { custodian: custodian.trim() || null }, 'bulk-custodian')}
    </Space>
  );
}
