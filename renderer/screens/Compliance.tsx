import { Col, Row, Segmented, Select, Space, Switch, Typography } from 'antd';
import { AgGridReact } from 'ag-grid-react';
import type { CellStyle, ColDef } from 'ag-grid-community';
import { useMemo, useState } from 'react';
import type { AgencyNode } from '../../api/contract';
import type { QuotaRow } from '../../api/contract';
import { ExportButton } from '../components/ExportButton';
import { ChartCard, type ChartSpec } from '../components/Chart';
import { useI18n } from '../i18n';
import { useApi } from '../lib/useApi';
import { gridLocale, gridTheme } from '../lib/grid';
import { treeOrder } from '../lib/tree';
import { shortAgency, shortItem } from '../lib/format';
import { EditionCompare, RuleSetImport } from './EditionCompare';
import { Contracts } from './Contracts';
import { EditionEditButton } from './EditionEditor';

const COVERAGE: ChartSpec = { category: 'name', series: ['pct'], horizontal: true, colors: ['#52c41a'] };
const PER_VEHICLE: ChartSpec = { category: 'name', series: ['ratio'], horizontal: true, colors: ['#1677ff'] };

/** 图表: coverage by agency and staff per vehicle, under the rule set chosen above. */
function ComplianceCharts({ ruleSet }: { ruleSet: string }) {
  const charts = useApi('charts/data', { ruleSet });
  const names = charts.data && { ...charts.data, coverage: { ...charts.data.coverage, rows: charts.data.coverage.rows.map((r) => ({ ...r, name: shortAgency(String(r.name)) })) },
    staffPerVehicle: { ...charts.data.staffPerVehicle, rows: charts.data.staffPerVehicle.rows.map((r) => ({ ...r, name: shortAgency(String(r.name)) })) } };
  return (
    <Row gutter={16} style={{ flex: 1, overflow: 'auto' }}>
      {/* Tall enough for 25 agencies, short enough that the axis stays on a 768-pixel screen. */}
      <Col span={12}><ChartCard testId="chart-coverage" height={470} table={names?.coverage} spec={COVERAGE} exportFile={{ op: 'charts/export', input: { chart: 'coverage', ruleSet } }} /></Col>
      <Col span={12}><ChartCard testId="chart-staffPerVehicle" height={470} table={names?.staffPerVehicle} spec={PER_VEHICLE} exportFile={{ op: 'charts/export', input: { chart: 'staffPerVehicle', ruleSet } }} /></Col>
    </Row>
  );
}

interface MatrixRow {
  code: string;
  name: string;
  depth: number;
  level: AgencyNode['level'];
  staff: number;
  totalShortfall: number;
  cells: Record<string, QuotaRow>;
}

/** 配备达标: agencies x catalog items against a rule set; a cell opens the assets behind it. */
export type ComplianceView = 'matrix' | 'charts' | 'compare' | 'contracts';

export function Compliance({ agencies, onDrill, initialView = 'matrix' }: { agencies: AgencyNode[]; onDrill: (agency: string, item: string, subtree: boolean) => void; initialView?: ComplianceView }) {
  const { t, lang } = useI18n();
  const [ruleSet, setRuleSet] = useState('national-2020');
  const [rollup, setRollup] = useState(false);
  const [basicOnly, setBasicOnly] = useState(true);
  const [view, setView] = useState<ComplianceView>(initialView);
  const ruleSets = useApi('ruleSets/list', {});
  const catalog = useApi('catalog/list', {});
  const result = useApi('quotas/shortfall', { ruleSet, rollup });

  const items = useMemo(() => (catalog.data ?? []).filter((i) => !basicOnly || i.kind === 'basic'), [catalog.data, basicOnly]);

  const rows = useMemo<MatrixRow[]>(() => {
    const byAgency = new Map<string, Record<string, QuotaRow>>();
    for (const r of result.data?.rows ?? []) {
      let cells = byAgency.get(r.agency);
      if (!cells) byAgency.set(r.agency, (cells = {}));
      cells[r.item] = r;
    }
    return treeOrder(agencies).map(({ agency, depth }) => {
      const cells = byAgency.get(agency.code) ?? {};
      return {
        code: agency.code, name: agency.name, depth, level: agency.level, staff: agency.staff, cells,
        totalShortfall: items.reduce((s, i) => s + (cells[i.code]?.shortfall ?? 0), 0),
      };
    });
  }, [result.data, agencies, items]);

  const columns = useMemo<ColDef<MatrixRow>[]>(() => [
    {
      headerName: t('compliance.agency'), field: 'name', pinned: 'left', width: 330, tooltipField: 'name',
      cellRenderer: (p: { data?: MatrixRow }) => <span style={{ paddingLeft: (p.data?.depth ?? 0) * 12 }}>{p.data?.name}</span>,
    },
    { headerName: t('compliance.level'), field: 'level', pinned: 'left', width: 70, valueFormatter: (p) => t(`level.${p.value as AgencyNode['level']}`) },
    { headerName: t('compliance.staff'), field: 'staff', pinned: 'left', width: 80, type: 'numericColumn' },
    {
      headerName: t('compliance.totalShortfall'), field: 'totalShortfall', pinned: 'left', width: 100, type: 'numericColumn', sortable: true,
      cellStyle: (p) => (p.value > 0 ? { color: '#cf1322', fontWeight: 600 } : null),
    },
    ...items.map<ColDef<MatrixRow>>((item) => ({
      colId: item.code,
      // The item's name without what its brackets list, the whole name on hover.
      headerName: `${item.code} ${shortItem(item.name)}`,
      headerTooltip: [`${item.code} ${item.name}`, item.parameters && t('compliance.parameters', { p: item.parameters }), item.succeeds && t('compliance.succeeds', { code: item.succeeds })]
        .filter(Boolean).join('\n'),
      wrapHeaderText: true,
      autoHeaderHeight: true,
      width: 96,
      sortable: true,
      // The whole row is the value, so any change of required, held or usable re-renders the cell.
      valueGetter: (p) => p.data?.cells[item.code],
      comparator: (a?: QuotaRow, b?: QuotaRow) => (a?.shortfall ?? 0) - (b?.shortfall ?? 0),
      cellRenderer: (p: { data?: MatrixRow }) => {
        const r = p.data?.cells[item.code];
        if (!r) return null;
        const title = r.contracted
          ? t('compliance.cellContracted', { r: r.required, h: r.held, c: r.contracted, u: r.usable, s: r.shortfall })
          : t('compliance.cellTitle', { r: r.required, h: r.held, u: r.usable, s: r.shortfall });
        return <span title={title} data-testid={`cell-${p.data!.code}-${item.code}`}>{r.contracted ? `${r.held}+${r.contracted}/${r.required}` : `${r.held}/${r.required}`}</span>;
      },
      cellStyle: (p): CellStyle => {
        const r = p.data?.cells[item.code];
        if (!r || r.required === 0) return { color: '#8c8c8c', cursor: 'pointer' };
        return r.shortfall > 0 ? { background: r.held === 0 ? '#ffccc7' : '#fff1f0', color: '#a8071a', cursor: 'pointer' } : { background: '#f6ffed', cursor: 'pointer' };
      },
      onCellClicked: (p) => p.data && onDrill(p.data.code, item.code, rollup),
    })),
  ], [items, t, onDrill, rollup]);

  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100%', gap: 12 }}>
      <Space wrap size={16}>
        <Segmented data-testid="compliance-view" value={view} onChange={setView} options={[{ value: 'matrix', label: t('compliance.matrix') }, { value: 'charts', label: t('compliance.charts') }, { value: 'compare', label: t('compliance.compare') }, { value: 'contracts', label: t('compliance.contracts') }]} />
        {view !== 'contracts' && (
          <span>
            {t('compliance.ruleSet')}:{' '}
            <Select data-testid="rule-set" style={{ width: 260 }} value={ruleSet} onChange={setRuleSet} options={(ruleSets.data ?? []).map((r) => ({ value: r.id, label: r.name }))} />
          </span>
        )}
        {view === 'matrix' && (
          <>
            <span>
              <Switch data-testid="rollup" checked={rollup} onChange={setRollup} /> {t('compliance.rollup')}
            </span>
            <span>
              <Switch checked={basicOnly} onChange={setBasicOnly} /> {t('compliance.basicOnly')}
            </span>
          </>
        )}
        <Typography.Text type="secondary">{result.data?.date}</Typography.Text>
        {(view === 'matrix' || view === 'charts') && <ExportButton testId="compliance-export" op="quotas/export" input={{ ruleSet }} />}
        {view === 'compare' && (
          <>
            <ExportButton testId="rule-set-export" op="ruleSets/export" input={{ id: ruleSet }} label={t('compliance.exportRuleSet')} />
            <RuleSetImport onImported={() => { ruleSets.reload(); catalog.reload(); }} />
            <EditionEditButton from={ruleSet} ruleSets={ruleSets.data ?? []} onSaved={() => { ruleSets.reload(); catalog.reload(); result.reload(); }} />
          </>
        )}
      </Space>
      {view === 'charts' && <ComplianceCharts ruleSet={ruleSet} />}
      {view === 'contracts' && <Contracts agencies={agencies} catalog={catalog.data ?? []} />}
      {view === 'compare' && <EditionCompare base={ruleSet} ruleSets={ruleSets.data ?? []} agencies={agencies} catalog={catalog.data ?? []} />}
      <div style={{ flex: 1, minHeight: 300, display: view === 'matrix' ? undefined : 'none' }}>
        <AgGridReact<MatrixRow>
          theme={gridTheme}
          localeText={gridLocale(lang)}
          loading={result.loading}
          rowData={rows}
          columnDefs={columns}
          getRowId={(p) => p.data.code}
          tooltipShowDelay={300}
          // Every item column is in the page, so a cell can be found (and read by a screen reader) without scrolling to it.
          suppressColumnVirtualisation
        />
      </div>
    </div>
  );
}
