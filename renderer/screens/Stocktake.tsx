import { ArrowLeftOutlined, PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Empty, Form, Input, InputNumber, Modal, Result, Segmented, Select, Space, Spin, Statistic, Table, Tag, Typography } from 'antd';
import { useContext, useMemo, useRef, useState, type ReactNode } from 'react';
import type { AgencyNode, CatalogItem } from '../../api/contract';
import { ApiError } from '../../api/client';
import {
  lacksForProposal, SETTLEMENTS, SETTLEMENTS_OF, type DifferenceKind, type DifferenceRow, type ScanOutcome, type ScanRow, type ScanSource, type Settlement, type StocktakeCount, type StocktakeDetail, type StocktakeRow, type StocktakeStatus,
} from '../../lib/domain/stocktakes';
import { AgencyPicker } from '../components/AgencyPicker';
import { ExportButton } from '../components/ExportButton';
import { DateInput } from '../components/DateInput';
import { useI18n, type T } from '../i18n';
import { blanksToNull, fenField, isoDateField, notNegative, showProblems, validDate } from '../lib/forms';
import { shortAgency, shortItem } from '../lib/format';
import { useClock } from '../lib/clock';
import { useScanner } from '../lib/scanner';
import { SessionContext } from '../lib/session';
import { callStocktake, OUTCOME_COLORS, subtreeOf, useMayStocktake, useStocktakeApi } from '../lib/stocktakes';

const STATUS_COLORS: Record<StocktakeStatus, string> = { counting: 'processing', closed: 'gold', proposed: 'blue', approved: 'green', cancelled: 'default' };
const OUTCOME_ALERT: Record<ScanOutcome, 'success' | 'warning' | 'info' | 'error'> = { matched: 'success', misplaced: 'warning', surplus: 'info', duplicate: 'warning', status_mismatch: 'error' };
const KIND_COLORS: Record<DifferenceKind, string> = { misplaced: 'orange', surplus: 'purple', missing: 'red', status_mismatch: 'volcano' };
const POLL_MS = 3_000;
/** The differences a manager decides on one by one first; the 盘亏, often many and alike, after them. */
const KIND_ORDER: Record<DifferenceKind, number> = { misplaced: 0, surplus: 1, status_mismatch: 2, missing: 3 };

const problemText = (e: unknown) => (e instanceof ApiError ? e.problems.map((p) => p.message).join(';') : (e as Error).message);

/** 盘点: the stocktakes of the user's agencies, a running one's scanning, a closed one's differences and approval. */
export function Stocktake({ agencies, catalog }: { agencies: AgencyNode[]; catalog: CatalogItem[] }) {
  const [open, setOpen] = useState<number | null>(null);
  if (open !== null) return <StocktakeView id={open} agencies={agencies} catalog={catalog} onBack={() => setOpen(null)} />;
  return <StocktakeList agencies={agencies} onOpen={setOpen} />;
}

function StocktakeList({ agencies, onOpen }: { agencies: AgencyNode[]; onOpen: (id: number) => void }) {
  const { t } = useI18n();
  const day = useClock().time;
  const { message } = App.useApp();
  const [status, setStatus] = useState<StocktakeStatus | 'all'>('all');
  const list = useStocktakeApi('stocktakes/list', status === 'all' ? {} : { status });
  const mayStart = useMayStocktake('stocktakes/start');
  const user = useContext(SessionContext)!;
  const [starting, setStarting] = useState(false);
  const [form] = Form.useForm();
  const scoped = useMemo(() => (user.agencyCode ? subtreeOf(agencies, user.agencyCode) : agencies), [agencies, user.agencyCode]);

  const start = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v) return;
    try {
      const row = await callStocktake('stocktakes/start', blanksToNull(v));
      message.success(t('st.started', { title: row.title, n: row.expected }));
      setStarting(false);
      onOpen(row.id);
    } catch (e) {
      const rest = showProblems(form, e);
      if (rest.length) message.error(rest.map((p) => p.message).join(';'));
    }
  };

  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      <Space wrap>
        <Segmented<StocktakeStatus | 'all'>
          value={status}
          onChange={setStatus}
          options={[{ value: 'all', label: t('st.all') }, ...(['counting', 'closed', 'proposed', 'approved', 'cancelled'] as const).map((s) => ({ value: s, label: t(`st.status.${s}`) }))]}
        />
        {mayStart && <Button type="primary" icon={<PlusOutlined />} data-testid="st-new" onClick={() => setStarting(true)}>{t('st.new')}</Button>}
      </Space>
      {list.error && <Alert type="error" showIcon title={t('st.loadFailed')} description={list.error.message} action={<Button onClick={list.reload}>{t('st.retry')}</Button>} />}
      <Table<StocktakeRow>
        data-testid="stocktakes"
        size="middle"
        rowKey="id"
        loading={list.loading}
        dataSource={list.data}
        locale={{ emptyText: <Empty description={mayStart ? t('st.noneStart') : t('st.none')} /> }}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        onRow={(row) => ({ onDoubleClick: () => onOpen(row.id) })}
        columns={[
          { title: t('st.title'), dataIndex: 'title', ellipsis: true, render: (v: string, row) => <Button type="link" size="small" style={{ padding: 0 }} onClick={() => onOpen(row.id)} data-testid={`st-open-${row.id}`}>{v}</Button> },
          { title: t('col.agencyName'), dataIndex: 'agencyName', width: 170, ellipsis: { showTitle: false }, render: (v: string) => <span title={v}>{shortAgency(v)}</span> },
          { title: t('col.status'), dataIndex: 'status', width: 90, render: (s: StocktakeStatus) => <Tag color={STATUS_COLORS[s]}>{t(`st.status.${s}`)}</Tag> },
          { title: t('st.expectedFound'), width: 110, align: 'right', render: (_: unknown, r) => `${r.found} / ${r.expected}` },
          { title: t('st.startedAt'), dataIndex: 'startedAt', width: 110, render: (v: string) => day(v).slice(0, 10) },
          { title: t('st.closedAt'), dataIndex: 'closedAt', width: 110, render: (v: string | null) => (v ? day(v).slice(0, 10) : '') },
          { title: t('st.decidedAt'), dataIndex: 'decidedAt', width: 110, render: (v: string | null) => (v ? day(v).slice(0, 10) : '') },
        ]}
      />
      <Modal open={starting} title={t('st.new')} onOk={start} onCancel={() => setStarting(false)} okText={t('st.start')} cancelText={t('common.cancel')} destroyOnHidden>
        <Form form={form} layout="vertical" preserve={false} initialValues={{ agencyCode: user.agencyCode ?? undefined }}>
          <Form.Item name="agencyCode" label={t('st.agency')} rules={[{ required: true, message: t('st.agencyRequired') }]}><AgencyPicker agencies={scoped} width={420} /></Form.Item>
          <Form.Item name="title" label={t('st.title')} rules={[{ required: true, whitespace: true, message: t('st.titleRequired') }]}><Input maxLength={100} data-testid="st-title" /></Form.Item>
          <Space size={12} wrap>
            <Form.Item name="counter" label={t('st.counter')}><Input maxLength={50} /></Form.Item>
            <Form.Item name="supervisor" label={t('st.supervisor')}><Input maxLength={50} /></Form.Item>
            <Form.Item name="responsible" label={t('st.responsible')}><Input maxLength={50} /></Form.Item>
          </Space>
        </Form>
      </Modal>
    </div>
  );
}

function StocktakeView({ id, agencies, catalog, onBack }: { id: number; agencies: AgencyNode[]; catalog: CatalogItem[]; onBack: () => void }) {
  const { t } = useI18n();
  const { time } = useClock();
  const minute = (instant: string) => time(instant).slice(0, 16);
  const [counting, setCounting] = useState(true);
  // Several people scan at once: while it runs the counts and the latest scans are read again every few seconds.
  const detail = useStocktakeApi('stocktakes/get', { id }, counting ? POLL_MS : undefined);
  const d = detail.data;
  if (d && counting !== (d.status === 'counting')) setCounting(d.status === 'counting');

  const back = <Button icon={<ArrowLeftOutlined />} onClick={onBack} data-testid="st-back">{t('st.back')}</Button>;
  if (!d && detail.error) return <Result status="error" title={t('st.loadFailed')} subTitle={detail.error.message} extra={<Space>{back}<Button onClick={detail.reload}>{t('st.retry')}</Button></Space>} />;
  if (!d) return <Spin style={{ display: 'block', marginTop: 120 }} />;
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, height: '100%', overflow: 'auto' }} data-testid="st-view">
      <Space wrap align="center">
        {back}
        <Typography.Title level={4} style={{ margin: 0 }}>{d.title}</Typography.Title>
        <Tag color={STATUS_COLORS[d.status]} data-testid="st-status">{t(`st.status.${d.status}`)}</Tag>
        <Typography.Text type="secondary">{d.agencyName}</Typography.Text>
        <ExportButton op="stocktakes/report" input={{ id: d.id }} label={t('st.report')} testId="st-report" />
        {!d.part && (d.status === 'counting' || d.status === 'closed') && <CancelButton id={d.id} onDone={detail.reload} />}
      </Space>
      {detail.error && <Alert type="warning" showIcon title={t('st.stale')} description={detail.error.message} />}
      {d.part && <Alert type="info" showIcon data-testid="st-part" title={t('st.part', { part: shortAgency(d.part.agencyName), agency: shortAgency(d.agencyName) })} />}
      <Descriptions size="small" column={{ xs: 1, md: 3, xl: 6 }} items={[
        { label: t('st.counter'), children: d.counter ?? '—' },
        { label: t('st.supervisor'), children: d.supervisor ?? '—' },
        { label: t('st.responsible'), children: d.responsible ?? '—' },
        { label: t('st.startedBy'), children: `${d.startedByName} · ${minute(d.startedAt)}` },
        { label: t('st.closedAt'), children: d.closedAt ? minute(d.closedAt) : '—' },
        { label: t('st.decidedBy'), children: d.decidedByName ? `${d.decidedByName} · ${d.decidedAt ? minute(d.decidedAt) : ''}` : '—' },
      ]} />
      {d.status === 'closed' && d.note && (
        <Alert type="warning" showIcon data-testid="st-returned" title={t('st.returnedWith', { who: d.decidedByName ?? '', note: d.note })} />
      )}
      {d.status === 'counting' && <ScanPanel detail={d} agencies={agencies} onScanned={detail.reload} />}
      {d.status !== 'counting' && <Differences detail={d} agencies={agencies} catalog={catalog} onChanged={detail.reload} />}
      <Counts counts={d.counts} expected={d.expected} found={d.found} />
      <LatestScans scans={d.scans} />
    </div>
  );
}

function CancelButton({ id, onDone }: { id: number; onDone: () => void }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  if (!useMayStocktake('stocktakes/cancel')) return null;
  const cancel = () => modal.confirm({
    title: t('st.cancelConfirm'), content: t('st.cancelConfirmText'), okText: t('st.cancel'), okButtonProps: { danger: true }, cancelText: t('common.cancel'),
    onOk: async () => {
      try {
        await callStocktake('stocktakes/cancel', { id });
        message.success(t('st.cancelled'));
        onDone();
      } catch (e) {
        message.error(problemText(e));
      }
    },
  });
  return <Button onClick={cancel} data-testid="st-cancel">{t('st.cancel')}</Button>;
}

/** What the last scan was judged, large, in words and colour. */
function outcomeText(t: T, s: ScanRow): string {
  const what = [s.assetTag ?? s.code, s.itemName ? shortItem(s.itemName) : null].filter(Boolean).join(' · ');
  return t(`st.said.${s.outcome}`, { what, at: shortAgency(s.agencyName) });
}

function ScanPanel({ detail, agencies, onScanned }: { detail: StocktakeDetail; agencies: AgencyNode[]; onScanned: () => void }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const mayScan = useMayStocktake('stocktakes/scan');
  const mayClose = useMayStocktake('stocktakes/close') && !detail.part;
  const subtree = useMemo(() => subtreeOf(agencies, detail.agencyCode), [agencies, detail.agencyCode]);
  // Counting one's own part of a stocktake organised above: found at one's own agency unless said otherwise.
  const [atAgency, setAtAgency] = useState<string | undefined>(detail.part?.agencyCode);
  const [custodian, setCustodian] = useState('');
  const [code, setCode] = useState('');
  const [last, setLast] = useState<{ rows: ScanRow[] } | { error: string } | null>(null);
  const [busy, setBusy] = useState(0);
  const box = useRef<HTMLInputElement>(null);

  const send = async (raw: string, source: ScanSource) => {
    const value = raw.trim();
    if (!value) return;
    setBusy((n) => n + 1);
    try {
      const rows = await callStocktake('stocktakes/scan', {
        id: detail.id, scans: [{ code: value }], source, atAgency: atAgency ?? undefined, custodian: custodian.trim() || undefined,
      });
      setLast({ rows });
      onScanned();
    } catch (e) {
      setLast({ error: `${value}:${problemText(e)}` });
    } finally {
      setBusy((n) => n - 1);
    }
  };
  const scanner = useScanner(mayScan, (c) => void send(c, 'scanner'));

  const close = () => modal.confirm({
    title: t('st.closeConfirm'),
    content: t('st.closeConfirmText', { missing: detail.expected - detail.found }),
    okText: t('st.close'),
    cancelText: t('common.cancel'),
    onOk: async () => {
      try {
        const c = await callStocktake('stocktakes/close', { id: detail.id });
        message.success(t('st.closed', { found: c.found, missing: c.missing.length }));
        onScanned();
      } catch (e) {
        message.error(problemText(e));
      }
    },
  });

  let shown: ReactNode = <Alert type="info" showIcon title={t('st.scanHint')} data-testid="scan-outcome" />;
  if (last && 'error' in last) shown = <Alert type="error" showIcon title={last.error} data-testid="scan-outcome" />;
  else if (last) {
    const s = last.rows[last.rows.length - 1];
    shown = s && (
      <Alert
        type={OUTCOME_ALERT[s.outcome]}
        showIcon
        data-testid="scan-outcome"
        data-outcome={s.outcome}
        title={<span style={{ fontSize: 20, fontWeight: 600 }}>{t(`st.outcome.${s.outcome}`)}</span>}
        description={<>
          <span style={{ fontSize: 16 }}>{outcomeText(t, s)}</span>
          {s.unlinkedLabel && mayScan && <LinkLabel scan={s} onLinked={(row) => (setLast({ rows: [row] }), onScanned())} />}
        </>}
      />
    );
  }

  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
      {mayScan && (
        <Space wrap align="end">
          <label>
            <div>{t('st.code')}</div>
            <Input
              ref={(el) => { box.current = el?.input ?? null; }}
              data-scan-box
              data-testid="scan-box"
              style={{ width: 300 }}
              value={code}
              maxLength={300}
              autoFocus
              placeholder={t('st.codePlaceholder')}
              onChange={(e) => setCode(e.target.value)}
              onPressEnter={() => {
                void send(code, scanner.wasScanner() ? 'scanner' : 'typed');
                setCode('');
              }}
            />
          </label>
          <label>
            <div>{t('st.foundAt')}</div>
            <AgencyPicker agencies={subtree} value={atAgency} onChange={setAtAgency} width={260} />
          </label>
          <label>
            <div>{t('st.custodian')}</div>
            <Input style={{ width: 140 }} value={custodian} maxLength={50} onChange={(e) => setCustodian(e.target.value)} data-testid="scan-custodian" />
          </label>
          <Button type="primary" loading={busy > 0} onClick={() => (void send(code, 'typed'), setCode(''))} data-testid="scan-send">{t('st.scan')}</Button>
          {mayClose && <Button danger onClick={close} data-testid="st-close">{t('st.close')}</Button>}
        </Space>
      )}
      {mayScan && <Typography.Text type="secondary">{t('st.scannerHint')}</Typography.Text>}
      {shown}
    </div>
  );
}

/** A blank label's first scan: the tag of the asset it is stuck on links it, and the scan counts as that asset's. */
function LinkLabel({ scan, onLinked }: { scan: ScanRow; onLinked: (row: ScanRow) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [tag, setTag] = useState('');
  const [busy, setBusy] = useState(false);
  const link = async () => {
    if (!tag.trim()) return;
    setBusy(true);
    try {
      const row = await callStocktake('stocktakes/linkScan', { id: scan.id, tag: tag.trim() });
      message.success(t('st.linked', { code: scan.code, tag: row.assetTag ?? '' }));
      onLinked(row);
    } catch (e) {
      message.error(problemText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Space wrap style={{ display: 'flex', marginTop: 8 }}>
      <Typography.Text>{t('st.linkLabel')}</Typography.Text>
      <Input style={{ width: 220 }} value={tag} maxLength={100} placeholder={t('st.linkLabelTag')} onChange={(e) => setTag(e.target.value)} onPressEnter={() => void link()} data-testid="link-tag" />
      <Button onClick={() => void link()} loading={busy} data-testid="link-send">{t('st.linkLabelSend')}</Button>
    </Space>
  );
}

function Counts({ counts, expected, found }: { counts: StocktakeCount[]; expected: number; found: number }) {
  const { t } = useI18n();
  return (
    <div>
      <Space size={32} style={{ marginBottom: 8 }}>
        <Statistic title={t('st.expected')} value={expected} data-testid="st-expected" />
        <Statistic title={t('st.found')} value={found} data-testid="st-found" />
        <Statistic title={t('st.left')} value={Math.max(expected - found, 0)} data-testid="st-left" />
      </Space>
      <Table<StocktakeCount>
        data-testid="st-counts"
        size="small"
        rowKey={(r) => `${r.agencyCode}/${r.itemCode}`}
        dataSource={counts}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('st.noCounts') }}
        columns={[
          { title: t('col.agencyName'), dataIndex: 'agencyName', ellipsis: { showTitle: false }, render: (v: string) => <span title={v}>{shortAgency(v)}</span> },
          { title: t('col.itemName'), dataIndex: 'itemName', ellipsis: { showTitle: false }, render: (v: string, r) => <span title={v}>{r.itemCode} {shortItem(v)}</span> },
          { title: t('st.expected'), dataIndex: 'expected', width: 90, align: 'right' },
          { title: t('st.found'), dataIndex: 'found', width: 90, align: 'right' },
          { title: t('st.left'), width: 90, align: 'right', render: (_: unknown, r) => Math.max(r.expected - r.found, 0) },
        ]}
      />
    </div>
  );
}

function LatestScans({ scans }: { scans: ScanRow[] }) {
  const { t } = useI18n();
  const { time } = useClock();
  return (
    <div>
      <Typography.Title level={5}>{t('st.latest')}</Typography.Title>
      <Table<ScanRow>
        data-testid="st-scans"
        size="small"
        rowKey="id"
        dataSource={scans}
        pagination={false}
        locale={{ emptyText: t('st.noScans') }}
        columns={[
          { title: t('st.scannedAt'), dataIndex: 'scannedAt', width: 90, render: (v: string) => time(v).slice(11) },
          { title: t('st.outcome'), dataIndex: 'outcome', width: 100, render: (o: ScanOutcome) => <Tag color={OUTCOME_COLORS[o]}>{t(`st.outcome.${o}`)}</Tag> },
          { title: t('st.code'), dataIndex: 'code', ellipsis: true, render: (v: string, r) => r.assetTag ?? v },
          { title: t('col.itemName'), dataIndex: 'itemName', ellipsis: true, render: (v: string | null) => (v ? shortItem(v) : '') },
          { title: t('st.foundAt'), dataIndex: 'agencyName', ellipsis: true, render: (v: string) => shortAgency(v) },
          { title: t('st.custodian'), dataIndex: 'custodian', width: 90 },
          { title: t('st.source'), dataIndex: 'source', width: 80, render: (s: ScanSource) => t(`st.source.${s}`) },
          { title: t('st.scannedBy'), dataIndex: 'scannedByName', width: 90, ellipsis: true },
        ]}
      />
    </div>
  );
}

function Differences({ detail, agencies, catalog, onChanged }: { detail: StocktakeDetail; agencies: AgencyNode[]; catalog: CatalogItem[]; onChanged: () => void }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const maySettle = useMayStocktake('stocktakes/settle') && !detail.part && detail.status === 'closed';
  const mayPropose = useMayStocktake('stocktakes/propose') && !detail.part && detail.status === 'closed';
  const mayDecide = useMayStocktake('stocktakes/approve') && !detail.part && detail.status === 'proposed';
  const [editing, setEditing] = useState<DifferenceRow | null>(null);
  const [rejecting, setRejecting] = useState(false);
  const [form] = Form.useForm();
  const [rejectForm] = Form.useForm();
  const settlement = Form.useWatch('settlement', form) as Settlement | undefined;
  const unsettled = detail.differences.filter((d) => lacksForProposal(d).length > 0).length;
  const rows = useMemo(() => [...detail.differences].sort((x, y) => KIND_ORDER[x.kind] - KIND_ORDER[y.kind]), [detail.differences]);
  const names = useMemo(() => new Map(agencies.map((a) => [a.code, shortAgency(a.name)])), [agencies]);
  const place = (code: string | null, name: string | null) => (code ? <span title={`${code} ${name ?? ''}`}>{names.get(code) ?? (name ? shortAgency(name) : code)}</span> : '');
  const itemOptions = useMemo(() => catalog.map((c) => ({ value: c.code, label: `${c.code} ${c.name}` })), [catalog]);

  // An asset held outside the stocktake's subtree is not its to move: only a user over that agency transfers it.
  const inSubtree = useMemo(() => new Set(subtreeOf(agencies, detail.agencyCode).map((x) => x.code)), [agencies, detail.agencyCode]);
  const settlementsOf = (d: DifferenceRow) => SETTLEMENTS_OF[d.kind].filter((x) => x !== 'transfer' || (d.expectedAgencyCode !== null && inSubtree.has(d.expectedAgencyCode)));
  const edit = (row: DifferenceRow) => setEditing(row);
  // The modal's form is mounted when it opens: what the difference holds is its starting value.
  const initial = editing && { reason: editing.reason, proposal: editing.proposal, settlement: editing.settlement ?? settlementsOf(editing)[0], registration: editing.registration ?? { itemCode: editing.itemCode ?? undefined } };
  const save = async () => {
    const v = await form.validateFields().catch(() => null);
    if (!v || !editing) return;
    try {
      await callStocktake('stocktakes/settle', {
        id: editing.id,
        reason: v.reason?.trim() || null,
        proposal: v.proposal?.trim() || null,
        settlement: v.settlement,
        registration: v.settlement === 'register' ? blanksToNull(v.registration) : null,
      });
      message.success(t('common.saved'));
      setEditing(null);
      onChanged();
    } catch (e) {
      const rest = showProblems(form, e);
      if (rest.length) message.error(rest.map((p) => p.message).join(';'));
    }
  };
  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run();
      message.success(done);
      onChanged();
    } catch (e) {
      message.error(problemText(e));
    }
  };
  const propose = () => act(() => callStocktake('stocktakes/propose', { id: detail.id }), t('st.proposed'));
  const approve = () => modal.confirm({
    title: t('st.approveConfirm'), content: t('st.approveConfirmText', { n: detail.differences.length }), okText: t('st.approve'), cancelText: t('common.cancel'),
    onOk: () => act(() => callStocktake('stocktakes/approve', { id: detail.id }), t('st.approved')),
  });
  const reject = async () => {
    const v = await rejectForm.validateFields().catch(() => null);
    if (!v) return;
    await act(() => callStocktake('stocktakes/reject', { id: detail.id, note: v.note }), t('st.rejected'));
    setRejecting(false);
  };

  return (
    <div>
      <Space wrap align="center" style={{ marginBottom: 8 }}>
        <Typography.Title level={5} style={{ margin: 0 }}>{t('st.differences', { n: detail.differences.length })}</Typography.Title>
        {maySettle && unsettled > 0 && <Typography.Text type="warning">{t('st.unsettled', { n: unsettled })}</Typography.Text>}
        {mayPropose && <Button type="primary" disabled={unsettled > 0} onClick={propose} data-testid="st-propose" title={unsettled > 0 ? t('st.unsettled', { n: unsettled }) : undefined}>{t('st.propose')}</Button>}
        {mayDecide && <Button type="primary" onClick={approve} data-testid="st-approve">{t('st.approve')}</Button>}
        {mayDecide && <Button danger onClick={() => (rejectForm.resetFields(), setRejecting(true))} data-testid="st-reject">{t('st.reject')}</Button>}
      </Space>
      <Table<DifferenceRow>
        data-testid="st-differences"
        size="small"
        rowKey="id"
        dataSource={rows}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('st.noDifferences') }}
        columns={[
          { title: t('st.kind'), dataIndex: 'kind', width: 90, render: (k: DifferenceKind) => <Tag color={KIND_COLORS[k]}>{t(`st.kind.${k}`)}</Tag> },
          { title: t('st.tagOrCode'), dataIndex: 'code', width: 150, ellipsis: true, render: (v: string, r) => r.assetTag ?? v },
          { title: t('col.itemName'), dataIndex: 'itemName', width: 130, ellipsis: true, render: (v: string | null, r) => (v ? shortItem(v) : r.registration?.itemCode ?? '') },
          { title: t('st.expectedAt'), dataIndex: 'expectedAgencyCode', width: 130, ellipsis: true, render: (v: string | null, r) => place(v, r.expectedAgencyName) },
          { title: t('st.foundAt'), dataIndex: 'foundAgencyCode', width: 150, ellipsis: true, render: (v: string | null, r) => <>{place(v, r.foundAgencyName)}{r.foundCustodian ? ` · ${r.foundCustodian}` : ''}</> },
          { title: t('st.reason'), dataIndex: 'reason', ellipsis: true },
          { title: t('st.proposal'), dataIndex: 'proposal', ellipsis: true },
          { title: t('st.settlement'), dataIndex: 'settlement', width: 130, ellipsis: true, render: (s: Settlement | null, r) => (lacksForProposal(r).length > 0 && detail.status === 'closed' ? <Typography.Text type="warning">{t('st.toSettle')}</Typography.Text> : s ? `${t(`st.settle.${s}`)}${r.settledAssetTag && r.settledAssetTag !== (r.assetTag ?? r.code) ? ` ${r.settledAssetTag}` : ''}` : '') },
          ...(maySettle ? [{ title: t('common.actions'), width: 80, render: (_: unknown, r: DifferenceRow) => <Button size="small" onClick={() => edit(r)} data-testid={`st-settle-${r.id}`}>{t('st.settleIt')}</Button> }] : []),
        ]}
      />
      <Modal open={editing !== null} title={editing ? `${t(`st.kind.${editing.kind}`)} · ${editing.assetTag ?? editing.code}` : ''} onOk={save} onCancel={() => setEditing(null)} okText={t('common.save')} cancelText={t('common.cancel')} destroyOnHidden width={620}>
        <Form form={form} layout="vertical" preserve={false} initialValues={initial ?? undefined}>
          <Form.Item name="reason" label={t('st.reason')} rules={[{ required: true, whitespace: true, message: t('st.reasonRequired') }]}><Input.TextArea maxLength={500} autoSize={{ minRows: 2 }} data-testid="settle-reason" /></Form.Item>
          <Form.Item name="proposal" label={t('st.proposal')} rules={[{ required: true, whitespace: true, message: t('st.proposalRequired') }]}><Input.TextArea maxLength={500} autoSize={{ minRows: 2 }} data-testid="settle-proposal" /></Form.Item>
          <Form.Item name="settlement" label={t('st.settlement')} rules={[{ required: true }]}>
            <Select data-testid="settle-kind" options={(editing ? settlementsOf(editing) : [...SETTLEMENTS]).map((s) => ({ value: s, label: t(`st.settle.${s}`) }))} />
          </Form.Item>
          {settlement === 'register' && (
            <>
              <Typography.Text type="secondary">{t('st.registerHint')}</Typography.Text>
              <Form.Item name={['registration', 'itemCode']} label={t('col.itemName')} rules={[{ required: true, message: t('st.itemRequired') }]}>
                <Select showSearch optionFilterProp="label" options={itemOptions} data-testid="settle-item" />
              </Form.Item>
              <Space size={12} wrap>
                <Form.Item name={['registration', 'model']} label={t('st.model')}><Input maxLength={100} /></Form.Item>
                <Form.Item name={['registration', 'serialNumber']} label={t('st.serial')}><Input maxLength={100} /></Form.Item>
                <Form.Item name={['registration', 'purchaseDate']} label={t('st.purchaseDate')} rules={[validDate(t, t('st.purchaseDate'))]} {...isoDateField}><DateInput /></Form.Item>
                <Form.Item name={['registration', 'priceFen']} label={t('st.price')} rules={[notNegative(t, t('st.price'))]} {...fenField}><InputNumber precision={2} /></Form.Item>
                <Form.Item name={['registration', 'custodian']} label={t('st.custodian')}><Input maxLength={50} /></Form.Item>
                <Form.Item name={['registration', 'location']} label={t('st.location')}><Input maxLength={100} /></Form.Item>
              </Space>
            </>
          )}
        </Form>
      </Modal>
      <Modal open={rejecting} title={t('st.reject')} onOk={reject} onCancel={() => setRejecting(false)} okText={t('common.submit')} cancelText={t('common.cancel')} destroyOnHidden>
        <Form form={rejectForm} layout="vertical" preserve={false}>
          <Form.Item name="note" label={t('st.rejectNote')} rules={[{ required: true, whitespace: true, message: t('st.rejectNoteRequired') }]}><Input.TextArea maxLength={1000} data-testid="reject-note" /></Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
