import { CalculatorOutlined, SaveOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, InputNumber, Row, Select, Space, Statistic, Switch, Tabs, Tag, Tooltip, Typography } from 'antd';
import { AgGridReact } from 'ag-grid-react';
import type { ColDef } from 'ag-grid-community';
import { useContext, useMemo, useState, type ReactNode } from 'react';
import { can } from '../../api/roles';
import type { AgencyNode, BudgetRow, ChartTable, PlanInput, PurchasePlanResult, TermsRow } from '../../api/contract';
import { fenToYuan, yuanToFen } from '../../lib/money';
import { ApiError } from '../../api/client';
import type { Problem } from '../../lib/problems';
import { client, pickFile } from '../api';
import { Problems } from '../components/Problems';
import { AgencyPicker } from '../components/AgencyPicker';
import { BoundedNumber } from '../components/BoundedNumber';
import { ChartCard } from '../components/Chart';
import { ExportButton } from '../components/ExportButton';
import { useI18n } from '../i18n';
import { integer, shortAgency, yuan } from '../lib/format';
import { gridLocale, gridTheme } from '../lib/grid';
import { useClock } from '../lib/clock';
import { SessionContext, useMay } from '../lib/session';
import { useApi } from '../lib/useApi';

/** The years a budget or plan may start in: this year (the server's) and the next five. */
const yearsFrom = (year: number) => Array.from({ length: 6 }, (_, k) => year + k);
const toWan = (fen: number) => Math.round(fenToYuan(fen) / 100) / 100;
const wan = (fen: number) => `${(fenToYuan(fen) / 10_000).toLocaleString('zh-CN', { maximumFractionDigits: 1 })} 万元`;

/** 预算与规划: this year's budget request, the multi-year plan under caps, and the price list behind both. */
export function Budget({ agencies }: { agencies: AgencyNode[] }) {
  const { t } = useI18n();
  const [tab, setTab] = useState<'request' | 'plan' | 'terms'>('request');
  // The tabs are a header only: each page fills the height below it, and keeps its state while another is shown.
  const page = (key: typeof tab, node: ReactNode) => <div style={{ display: tab === key ? 'block' : 'none', height: '100%' }}>{node}</div>;
  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100%' }}>
      <Tabs activeKey={tab} onChange={(k) => setTab(k as typeof tab)} items={[
        { key: 'request', label: t('budget.request') }, { key: 'plan', label: t('budget.plan') }, { key: 'terms', label: t('budget.terms') },
      ]} />
      <div style={{ flex: 1, minHeight: 0 }}>
        {page('request', <BudgetRequest agencies={agencies} />)}
        {page('plan', <PurchasePlan agencies={agencies} />)}
        {page('terms', <PriceList />)}
      </div>
    </div>
  );
}

function RuleSetSelect({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const ruleSets = useApi('ruleSets/list', {});
  return <Select style={{ width: 220 }} value={value} onChange={onChange} options={(ruleSets.data ?? []).map((r) => ({ value: r.id, label: r.name }))} />;
}

function BudgetRequest({ agencies }: { agencies: AgencyNode[] }) {
  const { t, lang } = useI18n();
  const clock = useClock();
  const YEARS = yearsFrom(clock.year);
  const [year, setYear] = useState(clock.planningYear);
  const [agency, setAgency] = useState<string>();
  const [rollup, setRollup] = useState(false);
  const [ruleSet, setRuleSet] = useState('national-2020');
  const input = { year, agency, rollup, ruleSet };
  const r = useApi('budget/request', input);
  const columns = useMemo<ColDef<BudgetRow>[]>(() => [
    { headerName: t('compliance.agency'), field: 'agencyName', width: 220, valueFormatter: (p) => shortAgency(p.value ?? '') },
    { headerName: t('budget.item'), field: 'item', width: 76 },
    {
      headerName: t('budget.itemName'), field: 'itemName', flex: 1, minWidth: 200,
      cellRenderer: (p: { data?: BudgetRow; value?: string }) => <>{p.value}{p.data?.service && <Tag color="blue" style={{ marginInlineStart: 6 }} title={t('budget.serviceHint')}>{t('budget.service')}</Tag>}</>,
    },
    { headerName: t('budget.unit'), field: 'unit', width: 64 },
    { headerName: t('budget.shortfall'), field: 'shortfall', width: 80, type: 'numericColumn' },
    { headerName: t('budget.replace'), field: 'replace', width: 80, type: 'numericColumn' },
    { headerName: t('budget.quantity'), field: 'quantity', width: 80, type: 'numericColumn' },
    { headerName: t('budget.unitPrice'), field: 'unitPriceFen', width: 120, type: 'numericColumn', valueFormatter: (p) => yuan(p.value) },
    { headerName: t('budget.amount'), field: 'amountFen', width: 140, type: 'numericColumn', sort: rollup ? 'desc' : undefined, valueFormatter: (p) => yuan(p.value) },
  ], [t, rollup]);
  const d = r.data;
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, height: '100%' }}>
      <Space wrap size={16}>
        <span>{t('budget.year')}: <Select data-testid="budget-year" style={{ width: 100 }} value={year} onChange={setYear} options={YEARS.map((y) => ({ value: y, label: `${y} 年` }))} /></span>
        <span>{t('ov.scope')}: <AgencyPicker agencies={agencies} value={agency} onChange={setAgency} /></span>
        <span><Switch data-testid="budget-rollup" checked={rollup} onChange={setRollup} /> {t('compliance.rollup')}</span>
        <span>{t('compliance.ruleSet')}: <RuleSetSelect value={ruleSet} onChange={setRuleSet} /></span>
        <ExportButton testId="budget-export" label={t('budget.exportRequest')} op="budget/export" input={input} />
      </Space>
      <Row gutter={16}>
        <Col span={6}><Card size="small" loading={!d}><Statistic title={t('budget.total', { year })} value={d ? wan(d.totalFen) : ''} data-testid="budget-total" /></Card></Col>
        <Col span={6}><Card size="small" loading={!d}><Statistic title={t('budget.shortfallPart')} value={d ? wan(d.shortfallFen) : ''} /></Card></Col>
        <Col span={6}><Card size="small" loading={!d}><Statistic title={t('budget.replacePart')} value={d ? wan(d.replaceFen) : ''} /></Card></Col>
        <Col span={6}><Card size="small" loading={!d}><Statistic title={t('budget.lines')} value={d ? d.rows.length : ''} /><Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('budget.rule')}</Typography.Text></Card></Col>
      </Row>
      {r.error && <Typography.Text type="danger">{r.error.message}</Typography.Text>}
      {!!d?.unpriced.length && (
        <Alert type="warning" showIcon data-testid="budget-unpriced" title={t('budget.unpriced', { items: d.unpriced.map((i) => `${i.item} ${i.name}`).join('、') })} />
      )}
      {!!d?.renewals.length && (
        <Alert type="warning" showIcon data-testid="budget-renewals" title={`${t('budget.renewals')}:${wan(d.renewFen)} 万元`}
          description={d.renewals.map((c) => `${shortAgency(c.agencyName)} · ${c.provider}${c.reference ? `(${c.reference})` : ''} · ${c.items} · ${c.validTo} 到期 · ${yuan(c.costPerYearFen)} 元/年`).join('\n')}
          style={{ whiteSpace: 'pre-line' }} />
      )}
      <div style={{ flex: 1, minHeight: 240 }} data-testid="budget-grid">
        <AgGridReact<BudgetRow>
          theme={gridTheme} localeText={gridLocale(lang)} loading={r.loading} rowData={d?.rows ?? []} columnDefs={columns}
          defaultColDef={{ sortable: true, filter: true }}
          pinnedBottomRowData={d ? [{ agencyName: t('budget.sum'), quantity: d.rows.reduce((s, x) => s + x.quantity, 0), amountFen: rollup && agency === undefined ? null : d.totalFen } as unknown as BudgetRow] : []}
        />
      </div>
    </div>
  );
}

function PurchasePlan({ agencies }: { agencies: AgencyNode[] }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const clock = useClock();
  const YEARS = yearsFrom(clock.year);
  const [fromYear, setFromYear] = useState(clock.planningYear);
  const [caps, setCaps] = useState<number[]>([3000, 3000, 3000, 3000, 3000]);
  const [weights, setWeights] = useState({ vehicles: 20, perPerson: 2, other: 1 });
  const [agency, setAgency] = useState<string>();
  const [busy, setBusy] = useState(false);
  const [plan, setPlan] = useState<{ input: PlanInput; result: PurchasePlanResult }>();
  const input: PlanInput = { fromYear, capsFen: caps.map((c) => yuanToFen(c * 10_000)), weights, agency, ruleSet: 'national-2020' };
  const solve = async () => {
    setBusy(true);
    try {
      setPlan({ input, result: await client.call('budget/plan', input) });
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const chart = useMemo<ChartTable | undefined>(() => plan && {
    title: t('budget.planChart'),
    subtitle: t('budget.planSummary', { spent: wan(plan.result.spentFen), need: wan(plan.result.needFen), open: plan.result.years.at(-1)!.openUnits }),
    columns: [{ key: 'year', label: t('budget.year'), kind: 'text' }, { key: 'spent', label: t('budget.spent'), kind: 'decimal' }, { key: 'room', label: t('budget.room'), kind: 'decimal' }],
    rows: plan.result.years.map((y) => ({ year: String(y.year), spent: toWan(y.spentFen), room: toWan(y.capFen - y.spentFen) })),
  }, [plan, t]);
  const columns = useMemo<ColDef<PurchasePlanResult['purchases'][number]>[]>(() => [
    { headerName: t('budget.year'), field: 'year', width: 80 },
    { headerName: t('compliance.agency'), field: 'agencyName', width: 200, valueFormatter: (p) => shortAgency(p.value ?? '') },
    { headerName: t('budget.item'), field: 'item', width: 76 },
    { headerName: t('budget.itemName'), field: 'itemName', flex: 1, minWidth: 180 },
    { headerName: t('budget.quantity'), field: 'quantity', width: 76, type: 'numericColumn' },
    { headerName: t('budget.shortfall'), field: 'shortfall', width: 76, type: 'numericColumn' },
    { headerName: t('budget.replace'), field: 'replace', width: 76, type: 'numericColumn' },
    { headerName: t('budget.amount'), field: 'amountFen', width: 130, type: 'numericColumn', valueFormatter: (p) => yuan(p.value) },
  ], [t]);
  const weight = (key: keyof typeof weights) => (
    <span>{t(`budget.w.${key}`)} <InputNumber size="small" style={{ width: 64 }} status={weights[key] < 0 || weights[key] > 1000 ? 'error' : undefined} value={weights[key]} onChange={(v) => setWeights({ ...weights, [key]: v ?? 0 })} data-testid={`weight-${key}`} /></span>
  );
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, height: '100%', overflow: 'auto' }}>
      <Card size="small">
        <Space wrap size={16}>
          <span>{t('budget.from')}: <Select style={{ width: 100 }} value={fromYear} onChange={setFromYear} options={YEARS.map((y) => ({ value: y, label: `${y} 年` }))} /></span>
          <span>{t('budget.years')}: <BoundedNumber label={t('budget.years')} min={1} max={10} style={{ width: 64 }} value={caps.length} onChange={(n) => n && setCaps(Array.from({ length: n }, (_, k) => caps[k] ?? caps.at(-1) ?? 0))} data-testid="plan-years" /></span>
          <span>{t('ov.scope')}: <AgencyPicker agencies={agencies} value={agency} onChange={setAgency} /></span>
          <span>{t('budget.weights')}: <Space size={8}>{weight('vehicles')}{weight('perPerson')}{weight('other')}</Space></span>
        </Space>
        <div style={{ marginTop: 12, display: 'flex', gap: 12, flexWrap: 'wrap', alignItems: 'center' }}>
          <span>{t('budget.caps')}:</span>
          {caps.map((c, k) => (
            <InputNumber key={k} size="small" style={{ width: 150 }} status={c < 0 ? 'error' : undefined} value={c} prefix={`${fromYear + k} 年`} suffix="万元" data-testid={`cap-${k}`}
              onChange={(v) => setCaps(caps.map((x, j) => (j === k ? (v ?? 0) : x)))} />
          ))}
          <Button type="primary" icon={<CalculatorOutlined />} loading={busy} onClick={solve} data-testid="plan-solve">{t('budget.solve')}</Button>
          {plan && <ExportButton testId="plan-export" op="budget/exportPlan" input={plan.input} />}
        </div>
        <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('budget.planHelp')}</Typography.Text>
      </Card>
      {plan && (
        <Row gutter={16}>
          <Col span={10}>
            <ChartCard testId="chart-plan" table={chart} spec={{ category: 'year', series: ['spent', 'room'], colors: ['#1677ff', '#d9d9d9'] }} height={300}
              exportFile={{ op: 'budget/exportPlan', input: plan.input }} />
          </Col>
          <Col span={14} style={{ height: 380 }} data-testid="plan-grid">
            <AgGridReact theme={gridTheme} localeText={gridLocale(lang)} rowData={plan.result.purchases} columnDefs={columns} defaultColDef={{ sortable: true, filter: true }} />
          </Col>
        </Row>
      )}
    </div>
  );
}

function PriceList() {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const editable = useMay('budget/saveTerms');
  // A role that edits prices, on an account limited to an agency: the price list is the whole ledger's (the backend refuses).
  const user = useContext(SessionContext)!;
  const ledgerWideOnly = !editable && can(user.role, 'budget') ? t('budget.termsLedgerWide') : undefined;
  const mayEdit = editable || !!ledgerWideOnly;
  const terms = useApi('budget/terms', {});
  const [edits, setEdits] = useState<Map<string, TermsRow>>(new Map());
  const [problems, setProblems] = useState<Problem[]>([]);
  const rows = useMemo(() => (terms.data ?? []).map((r) => edits.get(r.item) ?? r), [terms.data, edits]);
  const edit = (row: TermsRow) => setEdits(new Map(edits).set(row.item, row));
  const columns = useMemo<ColDef<TermsRow>[]>(() => [
    { headerName: t('budget.item'), field: 'item', width: 76, pinned: 'left' },
    { headerName: t('budget.itemName'), field: 'name', width: 260, tooltipField: 'name' },
    { headerName: t('budget.unit'), field: 'unit', width: 60 },
    {
      headerName: t('budget.unitPrice'), colId: 'price', width: 130, type: 'numericColumn', editable, cellClass: editable ? 'editable-cell' : undefined,
      valueGetter: (p) => (p.data ? fenToYuan(p.data.unitPriceFen) : null), valueFormatter: (p) => yuan(yuanToFen(p.value ?? 0)),
      valueSetter: (p) => {
        const v = Number(p.newValue);
        if (!Number.isFinite(v) || v < 0) return (message.error(t('budget.badPrice')), false);
        edit({ ...p.data, unitPriceFen: yuanToFen(v) });
        return true;
      },
    },
    { headerName: t('budget.priceNote'), field: 'priceNote', width: 160, editable, valueSetter: (p) => (edit({ ...p.data, priceNote: p.newValue || null }), true) },
    {
      headerName: t('budget.serviceYears'), field: 'serviceYears', width: 100, type: 'numericColumn', editable,
      valueSetter: (p) => {
        const v = p.newValue === '' || p.newValue === null ? null : Number(p.newValue);
        if (v !== null && !(Number.isInteger(v) && v >= 1 && v <= 50)) return (message.error(t('budget.badYears')), false);
        edit({ ...p.data, serviceYears: v });
        return true;
      },
    },
    {
      headerName: t('budget.serviceKm'), field: 'serviceKm', width: 120, type: 'numericColumn', editable, valueFormatter: (p) => integer(p.value),
      valueSetter: (p) => {
        const v = p.newValue === '' || p.newValue === null ? null : Number(p.newValue);
        if (v !== null && !(Number.isInteger(v) && v >= 1000)) return (message.error(t('budget.badKm')), false);
        edit({ ...p.data, serviceKm: v });
        return true;
      },
    },
    { headerName: t('budget.lifeNote'), field: 'lifeNote', flex: 1, minWidth: 260, tooltipField: 'lifeNote', editable, valueSetter: (p) => (edit({ ...p.data, lifeNote: p.newValue || null }), true) },
  ], [t, editable, edits, message]);
  const save = async () => {
    try {
      const { changed } = await client.call('budget/saveTerms', { terms: [...edits.values()].map(({ item, unitPriceFen, priceNote, serviceYears, serviceKm, lifeNote }) => ({ item, unitPriceFen, priceNote, serviceYears, serviceKm, lifeNote })) });
      message.success(t('budget.saved', { n: changed }));
      setEdits(new Map());
      terms.reload();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  const importFile = async () => {
    const f = await pickFile('xlsx');
    if (!f) return;
    setProblems([]);
    try {
      const { changed } = await client.call('budget/importTerms', { fileName: f.name, base64: f.base64 });
      message.success(t('budget.saved', { n: changed }));
      setEdits(new Map());
      terms.reload();
    } catch (e) {
      setProblems(e instanceof ApiError ? e.problems : [{ file: f.name, message: (e as Error).message }]);
    }
  };
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, height: '100%' }}>
      <Space wrap>
        {mayEdit && <Tooltip title={ledgerWideOnly}><Button type="primary" icon={<SaveOutlined />} disabled={!editable || edits.size === 0} onClick={save} data-testid="terms-save">{t('budget.saveTerms', { n: edits.size })}</Button></Tooltip>}
        {mayEdit && <Tooltip title={ledgerWideOnly}><Button icon={<UploadOutlined />} disabled={!editable} onClick={importFile} data-testid="terms-import">{t('budget.importTerms')}</Button></Tooltip>}
        <ExportButton testId="terms-export" op="budget/exportTerms" input={{}} />
        <Typography.Text type="secondary">{t('budget.termsHelp')}</Typography.Text>
      </Space>
      {problems.length > 0 && <Problems title={t('budget.importFailed')} problems={problems} />}
      <div style={{ flex: 1, minHeight: 300 }} data-testid="terms-grid">
        <AgGridReact<TermsRow> theme={gridTheme} localeText={gridLocale(lang)} loading={terms.loading} rowData={rows} columnDefs={columns} getRowId={(p) => p.data.item}
          singleClickEdit stopEditingWhenCellsLoseFocus tooltipShowDelay={300}
          getRowStyle={(p) => (p.data && edits.has(p.data.item) ? { background: '#fffbe6' } : undefined)} />
      </div>
    </div>
  );
}
