import { Button, Descriptions, Divider, Drawer, Empty, Modal, Space, Table, Tabs, Tag, Tooltip } from 'antd';
import { useContext, useState } from 'react';
import { can } from '../../api/roles';
import { SessionContext } from '../lib/session';
import type { AgencyNode, AssetHistory, AssetRow, AuditItem } from '../../api/contract';
import type { CatalogItem } from '../../api/contract';
import { useI18n } from '../i18n';
import { useClock } from '../lib/clock';
import { yuan } from '../lib/format';
import { useMay } from '../lib/session';
import { useApi } from '../lib/useApi';
import { AUDIT_ACTIONS, entityLabel, personName, type AuditWords } from '../../lib/changes';
import { ChangeText } from './ChangeText';
import { AssetForm } from './AssetForm';
import { CalibrationForm, DisposalRequestForm, MaintenanceForm, VoidForm } from './RecordForms';

type Editing = { kind: 'maintenance' | 'calibration'; id: number; step: 'correct' | 'void' } | null;

function AuditTable({ items, people }: { items: AuditItem[]; people: Record<string, string> }) {
  const { t } = useI18n();
  const { time } = useClock();
  const words: AuditWords = { people };
  return (
    <Table<AuditItem> size="small" rowKey="id" pagination={{ pageSize: 20 }} dataSource={items} columns={[
      { title: t('audit.at'), dataIndex: 'at', width: 170, render: (v: string) => time(v) },
      { title: t('audit.actor'), dataIndex: 'actor', width: 130, render: (a: string) => personName(a, words) },
      { title: t('common.actions'), dataIndex: 'action', width: 120, render: (v: string, e) => `${AUDIT_ACTIONS[v] ?? v}${entityLabel(e.entity)}` },
      { title: t('audit.what'), render: (_, e) => <ChangeText entity={e.entity} before={e.before} after={e.after} words={words} /> },
    ]} />
  );
}

/** One asset: its fields to edit, and its whole history (maintenance, calibrations, custody, disposal, changes). */
export function AssetDrawer(props: { id: number | 'new' | null; agencies: AgencyNode[]; catalog: CatalogItem[]; defaultAgency?: string; onClose: () => void; onChanged: (a?: AssetRow) => void }) {
  const { t } = useI18n();
  const { today, time } = useClock();
  const open = props.id !== null;
  const isNew = props.id === 'new';
  const history = useApi('assets/get', { id: typeof props.id === 'number' ? props.id : 0 }, !isNew && open);
  const h: AssetHistory | undefined = history.data;
  const mayMaintain = useMay('maintenance/create');
  const mayCalibrate = useMay('calibrations/create');
  const mayRequest = useMay('disposals/request');
  const changed = (a?: AssetRow) => {
    history.reload();
    props.onChanged(a);
  };
  const empty = <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('common.empty')} />;
  const user = useContext(SessionContext);
  const mayEdit = !!user && can(user.role, 'edit');
  const [editing, setEditing] = useState<Editing>(null);
  const words: AuditWords = { people: h?.people };
  const voided = (r: { voidedAt: string | null; voidedBy: string | null; voidReason: string | null }) => r.voidedAt !== null;
  /** A voided record stays listed, greyed, with who voided it and why. */
  const rowStyle = (r: { voidedAt: string | null }) => (r.voidedAt !== null ? { style: { color: '#8c8c8c' } } : {});
  const recordActions = (kind: 'maintenance' | 'calibration') => ({
    title: t('common.actions'), key: 'actions', width: 120,
    render: (_: unknown, r: { id: number; voidedAt: string | null; voidedBy: string | null; voidReason: string | null }) => voided(r) ? (
      <Tooltip title={t('record.voidedBy', { who: personName(r.voidedBy ?? '', words), at: (r.voidedAt ?? '').replace('T', ' ').slice(0, 19), reason: r.voidReason ?? '' })}>
        <Tag color="default" data-testid={`voided-${kind}-${r.id}`}>{t('record.voided')}:{r.voidReason}</Tag>
      </Tooltip>
    ) : mayEdit ? (
      <Space size={4}>
        <Button size="small" type="link" onClick={() => setEditing({ kind, id: r.id, step: 'correct' })} data-testid={`correct-${kind}-${r.id}`}>{t('record.correct')}</Button>
        <Button size="small" type="link" danger onClick={() => setEditing({ kind, id: r.id, step: 'void' })} data-testid={`void-${kind}-${r.id}`}>{t('record.void')}</Button>
      </Space>
    ) : null,
  });
  const done = () => (setEditing(null), changed());
  const editedMaintenance = editing?.kind === 'maintenance' ? h?.maintenance.find((m) => m.id === editing.id) : undefined;
  const editedCalibration = editing?.kind === 'calibration' ? h?.calibrations.find((c) => c.id === editing.id) : undefined;

  return (
    <Drawer
      open={open}
      onClose={props.onClose}
      size={760}
      destroyOnHidden
      title={isNew ? t('asset.newTitle') : h ? t('asset.title', { tag: h.asset.assetTag }) : ''}
      extra={h && <Tag>{t(`status.${h.asset.status}`)}</Tag>}
    >
      {isNew && <AssetForm agencies={props.agencies} catalog={props.catalog} defaultAgency={props.defaultAgency} onSaved={(a) => props.onChanged(a)} />}
      {!isNew && h && (
        <Tabs items={[
          { key: 'info', label: t('tab.info'), children: <AssetForm key={JSON.stringify(h.asset)} asset={h.asset} agencies={props.agencies} catalog={props.catalog} onSaved={changed} /> },
          {
            key: 'maintenance', label: `${t('tab.maintenance')} (${h.maintenance.length})`, children: (
              <>
                {h.asset.status !== 'scrapped' && mayMaintain && <><MaintenanceForm asset={h.asset} today={today} onDone={changed} /><Divider /></>}
                {h.maintenance.length === 0 ? empty : (
                  <Table size="small" rowKey="id" pagination={false} dataSource={h.maintenance} onRow={rowStyle} data-testid="maintenance-records" columns={[
                    { title: t('maint.date'), dataIndex: 'date', width: 100 },
                    { title: t('maint.kind'), dataIndex: 'kind', width: 60, render: (k: 'repair') => t(`maint.kind.${k}`) },
                    { title: t('maint.description'), dataIndex: 'description' },
                    { title: t('maint.cost'), dataIndex: 'costFen', width: 100, align: 'right', render: yuan },
                    { title: t('maint.vendor'), dataIndex: 'vendor', width: 110 },
                    recordActions('maintenance'),
                  ]} />
                )}
              </>
            ),
          },
          {
            key: 'calibrations', label: `${t('tab.calibrations')} (${h.calibrations.length})`, children: (
              <>
                {h.asset.status !== 'scrapped' && mayCalibrate && <><CalibrationForm asset={h.asset} today={today} onDone={changed} /><Divider /></>}
                {h.calibrations.length === 0 ? empty : (
                  <Table size="small" rowKey="id" pagination={false} dataSource={h.calibrations} onRow={rowStyle} data-testid="calibration-records" columns={[
                    { title: t('cal.date'), dataIndex: 'date', width: 100 },
                    { title: t('cal.validUntil'), dataIndex: 'validUntil', width: 100 },
                    { title: t('cal.result'), dataIndex: 'result', width: 70, render: (r: 'pass') => t(`cal.${r}`) },
                    { title: t('cal.certificate'), dataIndex: 'certificateNo' },
                    { title: t('cal.institution'), dataIndex: 'institution' },
                    recordActions('calibration'),
                  ]} />
                )}
              </>
            ),
          },
          {
            key: 'custody', label: `${t('tab.custody')} (${h.custody.length})`, children: h.custody.length === 0 ? empty : (
              <Table size="small" rowKey="id" pagination={false} dataSource={h.custody} columns={[
                { title: t('col.custodian'), dataIndex: 'custodian', width: 120 },
                { title: t('col.agencyCode'), dataIndex: 'agencyCode', width: 110, render: (c: string) => props.agencies.find((a) => a.code === c)?.name ?? c },
                { title: t('custody.from'), dataIndex: 'fromDate', width: 110 },
                { title: t('custody.to'), dataIndex: 'toDate', width: 110, render: (d: string | null) => d ?? t('custody.current') },
              ]} />
            ),
          },
          {
            key: 'disposal', label: t('tab.disposal'), children: (
              <>
                {h.asset.status !== 'scrapped' && mayRequest && !h.disposals.some((d) => d.status === 'requested' || d.status === 'approved') && (
                  <><DisposalRequestForm asset={h.asset} onDone={changed} /><Divider /></>
                )}
                {h.disposals.length === 0 ? empty : h.disposals.map((d) => (
                  <Descriptions key={d.id} size="small" bordered column={2} style={{ marginBottom: 12 }} items={[
                    { label: t('col.status'), children: t(`disp.status.${d.status}`) },
                    { label: t('disp.reason'), children: d.reason },
                    { label: t('disp.requestedBy'), children: `${personName(d.requestedBy, words)} ${time(d.requestedAt).slice(0, 10)}` },
                    { label: t('disp.approvalRef'), children: d.approvalRef },
                    { label: t('disp.approvedBy'), children: d.approvedBy && personName(d.approvedBy, words) },
                    { label: t('disp.disposedDate'), children: d.disposedDate },
                    { label: t('disp.residual'), children: yuan(d.residualValueFen) },
                  ]} />
                ))}
              </>
            ),
          },
          { key: 'audit', label: t('tab.audit'), children: <AuditTable items={h.audit} people={h.people} /> },
        ]} />
      )}
      {h && (
        <Modal open={editing !== null} onCancel={() => setEditing(null)} footer={null} destroyOnHidden width={680}
          title={editing?.step === 'void' ? t('record.voidTitle') : t('record.correctTitle')}>
          {editing?.step === 'void' && <VoidForm kind={editing.kind} id={editing.id} onDone={done} />}
          {editing?.step === 'correct' && editedMaintenance && <MaintenanceForm asset={h.asset} today={today} record={editedMaintenance} onDone={done} />}
          {editing?.step === 'correct' && editedCalibration && <CalibrationForm asset={h.asset} today={today} record={editedCalibration} onDone={done} />}
        </Modal>
      )}
    </Drawer>
  );
}
