import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Empty, Input, Space, Tag, Typography } from 'antd';
import { AgGridReact } from 'ag-grid-react';
import type { CellValueChangedEvent, ColDef, GridApi, IDatasource, IGetRowsParams } from 'ag-grid-community';
import { useCallback, useContext, useEffect, useMemo, useRef, useState } from 'react';
import type { AgencyNode, AssetColumn, AssetQuery, AssetRow, AssetStatus, ColumnFilter, DueKind } from '../../api/contract';
import { client } from '../api';
import { AgencyPicker } from '../components/AgencyPicker';
import { AssetDrawer } from '../components/AssetDrawer';
import { BulkBar } from '../components/BulkBar';
import { ExportButton } from '../components/ExportButton';
import { LabelsButton } from '../components/LabelsButton';
import { UndoButton } from '../components/UndoButton';
import { SessionContext, useMay } from '../lib/session';
import type { CatalogItem } from '../../api/contract';
import { useI18n } from '../i18n';
import { gridLocale, gridTheme } from '../lib/grid';
import { integer, shortItem, yuan } from '../lib/format';
import { yuanToFen } from '../../lib/money';

const STATUSES: AssetStatus[] = ['in_service', 'under_repair', 'idle', 'scrapped'];
const STATUS_COLORS: Record<AssetStatus, string> = { in_service: 'green', under_repair: 'orange', idle: 'blue', scrapped: 'default' };
/** Column layout is remembered per user: one user's sort and order never greet the next. */
const columnStateKey = (userId: number) => `eql.ledger.columns.${userId}`;
const DEFAULT_STATUSES: AssetStatus[] = ['in_service', 'under_repair', 'idle'];

export interface LedgerFilter {
  agency?: string;
  due?: { kind: DueKind; until: string };
  itemCode?: string;
  /** With `agency`: only the agency's own units, not its subtree's (a compliance cell of the non-rolled-up view). */
  own?: boolean;
  statuses?: AssetStatus[];
  quick?: string;
}

type Kind = 'text' | 'number' | 'date';
const COLUMNS: [AssetColumn, Kind, number][] = [
  ['assetTag', 'text', 170], ['itemCode', 'text', 80], ['itemName', 'text', 180], ['agencyName', 'text', 320], ['status', 'text', 90],
  ['model', 'text', 170], ['plateNumber', 'text', 110], ['custodian', 'text', 90], ['purchaseDate', 'date', 120], ['priceFen', 'number', 130],
  ['odometerKm', 'number', 130], ['calibrationValidUntil', 'date', 130], ['fundingSource', 'text', 130], ['location', 'text', 120],
  ['serialNumber', 'text', 120], ['agencyCode', 'text', 100], ['notes', 'text', 160],
];
const FILTERS: Record<Kind, string> = { text: 'agTextColumnFilter', number: 'agNumberColumnFilter', date: 'agDateColumnFilter' };
/** Edited in place with a double click; everything else through the asset form. */
const INLINE: ReadonlySet<AssetColumn> = new Set(['model', 'custodian', 'location', 'plateNumber', 'odometerKm', 'notes']);

/** The grid's filter model as the api's; money is typed in yuan and queried in fen. */
function toFilters(model: Record<string, ColumnFilter>): AssetQuery['filters'] {
  const out: Record<string, ColumnFilter> = {};
  for (const [col, f] of Object.entries(model)) {
    out[col] = col === 'priceFen' && f.filterType === 'number'
      ? { ...f, filter: f.filter == null ? f.filter : yuanToFen(f.filter), filterTo: f.filterTo == null ? f.filterTo : yuanToFen(f.filterTo) }
      : f;
  }
  return out as AssetQuery['filters'];
}

/** 台账: every asset, paged from the backend, with sort and filter on every column. */
export function Ledger({ agencies, catalog, filter, onFilter }: { agencies: AgencyNode[]; catalog: CatalogItem[]; filter: LedgerFilter; onFilter: (f: LedgerFilter) => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const api = useRef<GridApi<AssetRow> | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [quick, setQuick] = useState(filter.quick ?? '');
  const [open, setOpen] = useState<number | 'new' | null>(null);
  const statuses = filter.statuses ?? DEFAULT_STATUSES;
  const user = useContext(SessionContext)!;
  const COLUMN_STATE_KEY = columnStateKey(user.id);
  // Column filters set in the grid's own menus, named above the grid so none can hide rows unseen.
  const [columnFilters, setColumnFilters] = useState<string[]>([]);
  const item = catalog.find((i) => i.code === filter.itemCode);
  const itemName = item && shortItem(item.name);

  // Editing is offered only to those the backend would let edit.
  const canEdit = useMay('assets/update');
  const dueKind = filter.due?.kind;
  const columns = useMemo<ColDef<AssetRow>[]>(() => [...COLUMNS.map(([field, kind, width]): ColDef<AssetRow> => ({
    field, colId: field, width, headerName: t(`col.${field}`),
    sortable: true,
    filter: field === 'status' ? false : FILTERS[kind],
    filterParams: { maxNumConditions: 1, buttons: ['reset'] },
    valueFormatter: field === 'priceFen' ? (p) => yuan(p.value) : field === 'odometerKm' ? (p) => integer(p.value) : field === 'status' ? (p) => (p.value ? t(`status.${p.value as AssetStatus}`) : '') : undefined,
    cellRenderer: field === 'status' ? (p: { value?: AssetStatus }) => p.value ? <Tag color={STATUS_COLORS[p.value]}>{t(`status.${p.value}`)}</Tag> : null : undefined,
    type: kind === 'number' ? 'numericColumn' : undefined,
    pinned: field === 'assetTag' ? 'left' : undefined,
    editable: (p) => canEdit && INLINE.has(field) && p.data?.status !== 'scrapped',
    cellEditor: kind === 'number' ? 'agNumberCellEditor' : 'agTextCellEditor',
    cellEditorParams: kind === 'number' ? { min: 0, precision: 0 } : { maxLength: field === 'notes' ? 2000 : 200 },
    cellClass: field === 'assetTag' ? 'eql-link' : undefined,
    tooltipField: field === 'agencyName' || field === 'itemName' || field === 'notes' ? field : undefined,
  })),
  // A due-list shows when each unit falls due beside its tag, where it is seen without scrolling.
  ...(dueKind ? [{
    colId: 'dueDate', field: 'dueDate' as const, headerName: t(`due.date.${dueKind}`), width: 140, pinned: 'left' as const, sortable: false,
    valueFormatter: (p: { data?: AssetRow; value?: string | null }) => (p.data?.dueByKm ? t('due.byKm', { km: ((p.data.odometerKm ?? 0) / 10_000).toFixed(1) }) : p.value ?? t('due.none')),
    cellStyle: { fontWeight: 600 },
  }] : []),
  ], [t, canEdit, dueKind]);

  const [selected, setSelected] = useState<AssetRow[]>([]);
  const [edits, setEdits] = useState(0);

  /** Saves one edited cell through the same update as the form; a refused value is put back. */
  const saveCell = useCallback(async (e: CellValueChangedEvent<AssetRow>) => {
    if (!e.data || e.oldValue === e.newValue) return;
    const { id, itemName: _i, agencyName: _a, ...fields } = e.data;
    const value = typeof e.newValue === 'string' ? e.newValue.trim() || null : e.newValue ?? null;
    try {
      await client.call('assets/update', { id, fields: { ...fields, [e.colDef.field!]: value } });
      message.success(t('edit.saved', { tag: e.data.assetTag }));
    } catch (err) {
      e.node.setDataValue(e.colDef.field!, e.oldValue);
      message.error(t('edit.failed', { tag: e.data.assetTag, why: (err as Error).message }));
    }
  }, [message, t]);

  const query: AssetQuery = useMemo(
    () => ({ agency: filter.agency, agencyOnly: (filter.agency && filter.own) || undefined, itemCode: filter.itemCode, statuses, quick: filter.quick || undefined, due: filter.due }),
    [filter.agency, filter.own, filter.itemCode, statuses.join(), filter.quick, filter.due?.kind, filter.due?.until],
  );

  // Everything narrowing the list besides the agency picker and the due-list's own kind, by name.
  const active = [
    ...(filter.itemCode ? [`${t('col.itemName')}: ${filter.itemCode} ${itemName ?? ''}`.trim()] : []),
    ...(filter.own ? [t('ledger.ownOnly')] : []),
    ...(filter.quick ? [`${t('ledger.quickActive')}: ${filter.quick}`] : []),
    ...(statuses.join() !== DEFAULT_STATUSES.join() ? [`${t('ledger.statuses')}: ${statuses.map((s) => t(`status.${s}`)).join('、') || t('ledger.noStatus')}`] : []),
    ...columnFilters.map((c) => `${t('ledger.columnFilter')}: ${t(`col.${c as AssetColumn}`)}`),
  ];
  const clearFilters = () => {
    api.current?.setFilterModel(null);
    setQuick('');
    onFilter({ agency: filter.agency, due: filter.due });
  };

  // The total is counted once for each filter, apart from the blocks, so that the first rows are drawn
  // without waiting for a count of a province's assets; the scrollbar takes the count when it comes.
  const totals = useRef(new Map<string, number | null>()); // null: being counted
  const refresh = useCallback(() => {
    totals.current.clear();
    api.current?.refreshInfiniteCache();
  }, []);
  const datasource = useMemo<IDatasource>(() => {
    const cache = totals.current;
    cache.clear();
    let shown: string | undefined;
    return {
      getRows: (p: IGetRowsParams) => {
        const filters = toFilters(p.filterModel as Record<string, ColumnFilter>);
        const key = JSON.stringify(filters);
        if (!cache.has(key)) {
          cache.set(key, null);
          client.call('assets/count', { query: { ...query, filters } }).then(({ total: n }) => {
            cache.set(key, n);
            if (shown !== key) return;
            setTotal(n);
            api.current?.setRowCount(n, true);
          }, (e: Error) => {
            cache.delete(key);
            message.error(e.message);
          });
        }
        if (shown !== key) {
          shown = key;
          setTotal(cache.get(key) ?? null);
        }
        client
          .call('assets/list', {
            query: { ...query, filters },
            startRow: p.startRow,
            endRow: p.endRow,
            sort: p.sortModel.map((s) => ({ colId: s.colId as AssetColumn, sort: s.sort })),
            withTotal: false,
          })
          .then((r) => {
            // A short block is the last one; otherwise the count, once known, or more rows to come.
            const last = r.rows.length < p.endRow - p.startRow ? p.startRow + r.rows.length : cache.get(key) ?? undefined;
            p.successCallback(r.rows, last);
          }, (e: Error) => {
            message.error(e.message);
            p.failCallback();
          });
      },
    };
  }, [query, message]);

  useEffect(() => {
    api.current?.setGridOption('datasource', datasource);
  }, [datasource]);

  const saveColumns = useCallback(() => {
    if (api.current) localStorage.setItem(COLUMN_STATE_KEY, JSON.stringify(api.current.getColumnState()));
  }, [COLUMN_STATE_KEY]);

  const toggle = (s: AssetStatus, on: boolean) => onFilter({ ...filter, statuses: on ? [...statuses, s] : statuses.filter((x) => x !== s) });

  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100%', gap: 12 }}>
      <Space wrap size={12}>
        {canEdit && <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen('new')}>{t('asset.new')}</Button>}
        <AgencyPicker agencies={agencies} value={filter.agency} onChange={(agency) => onFilter({ ...filter, agency })} />
        <Input.Search
          data-testid="quick-search"
          allowClear
          style={{ width: 320 }}
          placeholder={t('ledger.quick')}
          value={quick}
          onChange={(e) => setQuick(e.target.value)}
          onSearch={(v) => onFilter({ ...filter, quick: v.trim() || undefined })}
        />
        <span>
          {t('ledger.statuses')}:
          {STATUSES.map((s) => (
            <Tag.CheckableTag key={s} checked={statuses.includes(s)} onChange={(on) => toggle(s, on)} data-testid={`status-${s}`}>
              {t(`status.${s}`)}
            </Tag.CheckableTag>
          ))}
        </span>
        {filter.itemCode && (
          <Tag closable color="processing" data-testid="filter-item" onClose={() => onFilter({ ...filter, itemCode: undefined, own: undefined })}>
            {t('col.itemName')}: {filter.itemCode} {itemName}
          </Tag>
        )}
        {filter.own && filter.agency && (
          <Tag closable color="processing" data-testid="filter-own" onClose={() => onFilter({ ...filter, own: undefined })}>
            {t('ledger.ownOnly')}
          </Tag>
        )}
        {columnFilters.length > 0 && (
          <Tag closable color="processing" data-testid="filter-columns" onClose={() => api.current?.setFilterModel(null)}>
            {t('ledger.columnFilter')}: {columnFilters.map((c) => t(`col.${c as AssetColumn}`)).join('、')}
          </Tag>
        )}
        {dueKind === 'replacement' && <Typography.Text type="secondary">{t('due.replacementHint')}</Typography.Text>}
        {selected.length > 0 && (
          <BulkBar
            agencies={agencies}
            ids={selected.map((r) => r.id)}
            onDone={() => {
              api.current?.deselectAll();
              refresh();
              setEdits((n) => n + 1);
            }}
          />
        )}
        <UndoButton nonce={edits} onUndone={refresh} />
        <LabelsButton tags={selected.map((r) => r.assetTag)} agency={filter.agency} agencyName={agencies.find((a) => a.code === filter.agency)?.name} />
        <ExportButton
          testId="ledger-export"
          op="assets/export"
          input={() => ({
            query: { ...query, filters: toFilters((api.current?.getFilterModel() ?? {}) as Record<string, ColumnFilter>) },
            sort: (api.current?.getColumnState() ?? [])
              .filter((c) => c.sort)
              .sort((a, b) => (a.sortIndex ?? 0) - (b.sortIndex ?? 0))
              .map((c) => ({ colId: c.colId as AssetColumn, sort: c.sort! })),
          })}
        />
        <Typography.Text type="secondary" data-testid="ledger-count">{total === null ? '' : t('ledger.count', { n: total.toLocaleString('zh-CN') })}</Typography.Text>
      </Space>
      <div style={{ flex: 1, minHeight: 300, position: 'relative' }}>
        {total === 0 && (
          <div data-testid="ledger-empty" style={{ position: 'absolute', inset: '48px 0 auto 0', zIndex: 2, display: 'flex', justifyContent: 'center', pointerEvents: 'none' }}>
            <Empty
              style={{ background: '#fff', padding: '16px 24px', pointerEvents: 'auto' }}
              description={active.length ? t('ledger.emptyFiltered', { filters: active.join(';') }) : t('ledger.empty')}
            >
              {active.length > 0 && <Button type="primary" onClick={clearFilters} data-testid="clear-filters">{t('ledger.clearFilters')}</Button>}
            </Empty>
          </div>
        )}
        <AgGridReact<AssetRow>
          theme={gridTheme}
          localeText={gridLocale(lang)}
          columnDefs={columns}
          rowModelType="infinite"
          cacheBlockSize={100}
          maxBlocksInCache={50}
          datasource={datasource}
          getRowId={(p) => String(p.data.id)}
          onGridReady={(e) => {
            api.current = e.api;
            const saved = localStorage.getItem(COLUMN_STATE_KEY);
            if (saved) e.api.applyColumnState({ state: JSON.parse(saved), applyOrder: true });
          }}
          onFilterChanged={(e) => setColumnFilters(Object.keys(e.api.getFilterModel() ?? {}))}
          tooltipShowDelay={400}
          suppressNoRowsOverlay
          onColumnMoved={saveColumns}
          onColumnResized={(e) => e.finished && saveColumns()}
          onSortChanged={saveColumns}
          onColumnPinned={saveColumns}
          onColumnVisible={saveColumns}
          onCellClicked={(e) => e.data && e.column.getColId() === 'assetTag' && setOpen(e.data.id)}
          rowSelection={canEdit ? { mode: 'multiRow', headerCheckbox: false } : undefined}
          onSelectionChanged={(e) => setSelected(e.api.getSelectedRows())}
          onCellValueChanged={saveCell}
          stopEditingWhenCellsLoseFocus
          suppressColumnVirtualisation
        />
      </div>
      <AssetDrawer
        id={open}
        agencies={agencies}
        catalog={catalog}
        defaultAgency={filter.agency}
        onClose={() => setOpen(null)}
        onChanged={(a) => {
          refresh();
          if (open === 'new' && a) setOpen(a.id);
        }}
      />
    </div>
  );
}
