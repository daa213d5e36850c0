import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Checkbox, Form, Input, Modal, Select, Space, Statistic, Typography } from 'antd';
import { AgGridReact } from 'ag-grid-react';
import type { ColDef } from 'ag-grid-community';
import { useMemo, useState } from 'react';
import type { AgencyNode, CatalogItem, EditionChange, RuleSetHead } from '../../api/contract';
import type { Problem } from '../../lib/problems';
import { client, pickFile } from '../api';
import { ExportButton } from '../components/ExportButton';
import { Problems } from '../components/Problems';
import { useI18n } from '../i18n';
import { integer, shortAgency, shortItem, yuan } from '../lib/format';
import { gridLocale, gridTheme } from '../lib/grid';
import { useMay } from '../lib/session';
import { showProblems } from '../lib/forms';
import { useApi } from '../lib/useApi';

interface ChangeRow extends EditionChange {
  agencyName: string;
  itemName: string;
}

const changeStyle = (p: { value?: number }) => (p.value !== undefined && p.value > 0 ? { color: '#cf1322' } : p.value !== undefined && p.value < 0 ? { color: '#389e0d' } : null);

/** 标准对比: the same holdings measured against the rule set chosen above and another edition. */
export function EditionCompare({ base, ruleSets, agencies, catalog }: { base: string; ruleSets: RuleSetHead[]; agencies: AgencyNode[]; catalog: CatalogItem[] }) {
  const { t, lang } = useI18n();
  const others = ruleSets.filter((r) => r.id !== base);
  const [picked, setPicked] = useState<string | undefined>();
  const other = picked && picked !== base && others.some((r) => r.id === picked) ? picked : others[0]?.id;
  const input = { base, other: other ?? '' };
  const result = useApi('quotas/compare', input, other !== undefined);
  const names = useMemo(() => new Map(agencies.map((a) => [a.code, a.name])), [agencies]);
  const items = useMemo(() => new Map(catalog.map((i) => [i.code, i.name])), [catalog]);
  const rows = useMemo<ChangeRow[]>(() => (result.data?.changes ?? []).map((c) => ({ ...c, agencyName: names.get(c.agency) ?? c.agency, itemName: items.get(c.item) ?? c.item })), [result.data, names, items]);
  const r = result.data;
  const columns = useMemo<ColDef<ChangeRow>[]>(() => {
    const a = r ? `(${r.base.name})` : '';
    const b = r ? `(${r.other.name})` : '';
    return [
      { headerName: t('compliance.agency'), field: 'agencyName', width: 230, tooltipField: 'agencyName', pinned: 'left', valueFormatter: (p) => shortAgency(p.value ?? '') },
      { headerName: t('compare.item'), colId: 'item', valueGetter: (p) => p.data && `${p.data.item} ${shortItem(p.data.itemName)}`, width: 170, tooltipField: 'itemName' },
      { headerName: t('compare.held'), field: 'held', width: 70, type: 'numericColumn' },
      { headerName: t('compare.required') + a, field: 'requiredBase', width: 120, type: 'numericColumn', wrapHeaderText: true, autoHeaderHeight: true },
      { headerName: t('compare.required') + b, field: 'requiredOther', width: 120, type: 'numericColumn', wrapHeaderText: true, autoHeaderHeight: true },
      { headerName: t('compare.shortfall') + a, field: 'shortfallBase', width: 120, type: 'numericColumn', wrapHeaderText: true, autoHeaderHeight: true },
      { headerName: t('compare.shortfall') + b, field: 'shortfallOther', width: 120, type: 'numericColumn', wrapHeaderText: true, autoHeaderHeight: true },
      { headerName: t('compare.budgetChange'), field: 'budgetChangeFen', flex: 1, minWidth: 140, type: 'numericColumn', valueFormatter: (p) => yuan(p.value), cellStyle: changeStyle },
    ];
  }, [r, t]);
  if (!other) return <Alert type="info" showIcon title={t('compare.onlyOne')} />;
  const shortfallChange = r ? r.totals.shortfallOther - r.totals.shortfallBase : 0;
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, flex: 1, minHeight: 0 }}>
      <Space wrap size={24} align="center">
        <span>
          {t('compare.other')}:{' '}
          <Select data-testid="compare-with" style={{ width: 260 }} value={other} onChange={setPicked} options={others.map((x) => ({ value: x.id, label: x.name }))} />
        </span>
        {r && (
          <>
            <Statistic title={t('compare.totalShortfall')} value={`${integer(r.totals.shortfallBase)} → ${integer(r.totals.shortfallOther)}`} data-testid="compare-shortfall" />
            <Statistic title={t('compare.shortfallChange')} value={shortfallChange} prefix={shortfallChange > 0 ? '+' : undefined} styles={{ content: changeStyle({ value: shortfallChange }) ?? undefined }} />
            <Statistic title={t('compare.budgetChangeYuan')} value={yuan(r.totals.budgetChangeFen)} data-testid="compare-budget" />
            <Statistic title={t('compare.agencies')} value={r.totals.changedAgencies} data-testid="compare-agencies" />
          </>
        )}
        <ExportButton testId="compare-export" op="quotas/exportCompare" input={input} />
      </Space>
      {result.error && <Alert type="error" showIcon title={result.error.message} />}
      {!!r?.unpriced.length && <Alert type="warning" showIcon data-testid="compare-unpriced" title={t('budget.unpriced', { items: r.unpriced.map((i) => `${i.item} ${i.name}`).join('、') })} />}
      <Typography.Text type="secondary">{t('compare.help')}</Typography.Text>
      <div style={{ flex: 1, minHeight: 240 }} data-testid="compare-grid">
        <AgGridReact<ChangeRow> theme={gridTheme} localeText={gridLocale(lang)} loading={result.loading} rowData={rows} columnDefs={columns}
          getRowId={(p) => `${p.data.agency}/${p.data.item}`} tooltipShowDelay={300} overlayNoRowsTemplate={t('compare.none')} />
      </div>
    </div>
  );
}

/** 导入配备标准: a bureau head of the whole ledger loads an edition typed in the standard's own table (.xlsx). */
export function RuleSetImport({ onImported }: { onImported: (id: string) => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const may = useMay('ruleSets/import');
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [form] = Form.useForm<{ id: string; name?: string; replace?: boolean }>();
  if (!may) return null;
  const submit = async () => {
    const { id, name, replace } = await form.validateFields();
    const f = await pickFile('xlsx');
    if (!f) return;
    setBusy(true);
    setProblems([]);
    try {
      const r = await client.call('ruleSets/import', { fileName: f.name, base64: f.base64, id, name: name?.trim() || undefined, replace: replace === true });
      message.success(t(r.items ? 'compare.importedItems' : 'compare.imported', { name: r.name, n: r.rules, items: r.items }));
      setOpen(false);
      form.resetFields();
      onImported(r.id);
    } catch (e) {
      // What names the form's own fields is shown at the field; the file's problems below.
      setProblems(showProblems(form, e).map((p) => ({ file: f.name, ...p })));
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button icon={<UploadOutlined />} onClick={() => setOpen(true)} data-testid="rule-set-import">{t('compare.import')}</Button>
      <Modal open={open} title={t('compare.import')} okText={t('compare.pickFile')} onOk={submit} confirmLoading={busy} onCancel={() => (setOpen(false), setProblems([]))} width={620} destroyOnHidden>
        <Typography.Paragraph type="secondary">{t('compare.importHelp')}</Typography.Paragraph>
        <Form form={form} layout="vertical">
          <Form.Item name="id" label={t('compare.id')} rules={[{ required: true, message: t('compare.idRequired') }]}>
            <Input data-testid="rule-set-id" placeholder="national-2024" />
          </Form.Item>
          <Form.Item name="name" label={t('compare.name')}>
            <Input data-testid="rule-set-name" placeholder={t('compare.namePlaceholder')} maxLength={100} />
          </Form.Item>
          <Form.Item name="replace" valuePropName="checked" extra={t('compare.replaceHint')}>
            <Checkbox data-testid="rule-set-replace">{t('compare.replace')}</Checkbox>
          </Form.Item>
        </Form>
        {problems.length > 0 && <Problems title={t('compare.importFailed')} problems={problems} />}
      </Modal>
    </>
  );
}
