import { DeleteOutlined, EditOutlined, PlusOutlined } from '@ant-design/icons';
import { App, Button, Drawer, Form, Input, Select, Space, Typography } from 'antd';
import { AgGridReact } from 'ag-grid-react';
import type { ColDef } from 'ag-grid-community';
import { useEffect, useMemo, useState } from 'react';
import type { EditionTable, RuleSetHead } from '../../api/contract';
import { ApiError } from '../../api/client';
import type { Problem } from '../../lib/problems';
import { client } from '../api';
import { DateInput } from '../components/DateInput';
import { Problems } from '../components/Problems';
import { useI18n } from '../i18n';
import { isoDateField, validDate } from '../lib/forms';
import { gridLocale, gridTheme } from '../lib/grid';
import { useMay } from '../lib/session';

interface Row {
  key: number;
  cells: (string | null)[];
}

interface Head {
  id: string;
  name: string;
  source: string;
  effectiveDate: string | null;
  basedOn: string | null;
}

const WIDTHS: Record<string, number> = { 类别: 120, 代码: 76, 名称: 230, 单位: 56, 省级: 92, 市级: 92, 县级: 92, 计量器具: 84, 技术参数: 150, 替代品目: 84, 可购买服务: 96 };

let nextKey = 0;
const rowsOf = (t: EditionTable): Row[] => t.rows.map((cells) => ({ key: ++nextKey, cells: [...cells] }));

/**
 * 编辑配备标准: a bureau head of the whole ledger types an edition in the standard's own table, starting from a copy of
 * another. It is checked on the server as an imported file is, each problem named at the table's row and column.
 */
function EditionEditor({ from, ruleSets, onClose, onSaved }: { from: string; ruleSets: RuleSetHead[]; onClose: () => void; onSaved: (id: string) => void }) {
  const { t, lang } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Head>();
  const [table, setTable] = useState<EditionTable>();
  const [rows, setRows] = useState<Row[]>([]);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let live = true;
    client.call('ruleSets/table', { id: from }).then((tab) => {
      if (!live) return;
      setTable(tab);
      setRows(rowsOf(tab));
      // A shipped edition is copied under a new id; an edition of the ledger's own is changed in place.
      form.setFieldsValue(tab.shipped
        ? { id: '', name: '', source: tab.source, effectiveDate: null, basedOn: tab.id }
        : { id: tab.id, name: tab.name, source: tab.source, effectiveDate: tab.effectiveDate, basedOn: tab.basedOn });
    }, (e) => message.error((e as Error).message));
    return () => void (live = false);
  }, [from, form, message]);

  // Where the server found something wrong: the table's row (1 for its first) and column.
  const bad = useMemo(() => new Set(problems.filter((p) => p.row !== undefined).map((p) => `${p.row}/${p.field}`)), [problems]);

  const columns = useMemo<ColDef<Row>[]>(() => [
    { headerName: '#', colId: 'n', width: 56, pinned: 'left', valueGetter: (p) => (p.node?.rowIndex ?? 0) + 1 },
    ...(table?.columns ?? []).map<ColDef<Row>>((name, c) => ({
      headerName: name, colId: name, width: WIDTHS[name] ?? 100, editable: true, singleClickEdit: true,
      valueGetter: (p) => p.data?.cells[c] ?? '',
      valueSetter: (p) => {
        const v = typeof p.newValue === 'string' ? p.newValue : '';
        setRows((all) => all.map((r) => (r.key === p.data.key ? { ...r, cells: r.cells.map((x, i) => (i === c ? v || null : x)) } : r)));
        return true;
      },
      cellStyle: (p) => (bad.has(`${(p.node?.rowIndex ?? -1) + 1}/${name}`) ? { background: '#fff1f0', boxShadow: 'inset 0 0 0 1px #ff4d4f' } : null),
    })),
    {
      headerName: '', colId: 'remove', width: 56, pinned: 'right',
      cellRenderer: (p: { data?: Row }) => <Button size="small" type="text" danger icon={<DeleteOutlined />} title={t('edition.removeRow')} onClick={() => setRows((all) => all.filter((r) => r.key !== p.data?.key))} />,
    },
  ], [table, bad, t]);

  const save = async () => {
    const head = await form.validateFields().catch(() => null);
    if (!head || !table) return;
    setSaving(true);
    setProblems([]);
    try {
      const r = await client.call('ruleSets/save', {
        ...head, effectiveDate: head.effectiveDate || null, basedOn: head.basedOn || null, rows: rows.map((x) => x.cells),
        replace: !table.shipped && head.id === table.id,
      });
      message.success(t(r.items ? 'compare.importedItems' : 'compare.imported', { name: r.name, n: r.rules, items: r.items }));
      onSaved(r.id);
    } catch (e) {
      setProblems(e instanceof ApiError ? e.problems : [{ message: (e as Error).message }]);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Drawer
      open size="100%" onClose={onClose} destroyOnHidden
      title={table ? t(table.shipped ? 'edition.copyOf' : 'edition.editing', { name: table.name }) : t('edition.edit')}
      extra={<Space><Button onClick={onClose}>{t('common.cancel')}</Button><Button type="primary" loading={saving} onClick={save} data-testid="edition-save">{t('common.save')}</Button></Space>}
      styles={{ body: { display: 'flex', flexDirection: 'column', gap: 8 } }}
    >
      <Form form={form} layout="inline" style={{ rowGap: 8 }}>
        <Form.Item name="id" label={t('compare.id')} rules={[{ required: true, message: t('compare.idRequired') }]}>
          <Input data-testid="edition-id" placeholder="province-2025" style={{ width: 170 }} disabled={table !== undefined && !table.shipped} />
        </Form.Item>
        <Form.Item name="name" label={t('edition.name')} rules={[{ required: true, whitespace: true, message: t('common.required') }]}>
          <Input data-testid="edition-name" maxLength={100} style={{ width: 240 }} />
        </Form.Item>
        <Form.Item name="source" label={t('edition.source')}><Input data-testid="edition-source" maxLength={500} style={{ width: 260 }} /></Form.Item>
        <Form.Item name="effectiveDate" label={t('edition.effective')} {...isoDateField} rules={[validDate(t, t('edition.effective'))]}><DateInput style={{ width: 140 }} /></Form.Item>
        <Form.Item name="basedOn" label={t('edition.basedOn')}>
          <Select allowClear style={{ width: 200 }} options={ruleSets.map((r) => ({ value: r.id, label: r.name }))} />
        </Form.Item>
      </Form>
      <Typography.Text type="secondary">{t('edition.help')}</Typography.Text>
      {problems.length > 0 && <Problems title={t('edition.failed')} problems={problems} />}
      <div style={{ flex: 1, minHeight: 260 }} data-testid="edition-grid">
        <AgGridReact<Row>
          theme={gridTheme} localeText={gridLocale(lang)} loading={!table} rowData={rows} columnDefs={columns}
          getRowId={(p) => String(p.data.key)} stopEditingWhenCellsLoseFocus tooltipShowDelay={300}
        />
      </div>
      <div>
        <Button icon={<PlusOutlined />} onClick={() => setRows((all) => [...all, { key: ++nextKey, cells: (table?.columns ?? []).map(() => null) }])} data-testid="edition-add-row">
          {t('edition.addRow')}
        </Button>
      </div>
    </Drawer>
  );
}

/** The button that opens the editor on a copy of the edition chosen, for those who may save editions. */
export function EditionEditButton({ from, ruleSets, onSaved }: { from: string; ruleSets: RuleSetHead[]; onSaved: (id: string) => void }) {
  const { t } = useI18n();
  const may = useMay('ruleSets/save');
  const [open, setOpen] = useState(false);
  if (!may) return null;
  return (
    <>
      <Button icon={<EditOutlined />} onClick={() => setOpen(true)} data-testid="edition-edit">{t('edition.edit')}</Button>
      {open && <EditionEditor from={from} ruleSets={ruleSets} onClose={() => setOpen(false)} onSaved={(id) => (setOpen(false), onSaved(id))} />}
    </>
  );
}
