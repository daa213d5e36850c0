import { DownloadOutlined, FolderOpenOutlined, SaveOutlined, UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Empty, Radio, Result, Segmented, Select, Space, Statistic, Steps, Table, Tag, Typography } from 'antd';
import { AgGridReact } from 'ag-grid-react';
import type { ColDef } from 'ag-grid-community';
import { useMemo, useState } from 'react';
import {
  IMPORT_STATUS_LABELS, IMPORT_STATUSES, ITEM_NAME_HEADER, LEDGER_FIELDS, type AgencyNode, type ImportAnalysis, type ImportFileInfo, type ImportOutcome,
  type ImportPreview, type ImportStatus, type LedgerField, type LedgerImportOutcome, type LedgerMapping, type NameChoice, type PreviewRow, type StatusChoice,
} from '../../api/contract';
import { ApiError } from '../../api/client';
import {
  baseName, DELIMITER_LABELS, DELIMITERS, ENCODING_LABELS, FORMAT_LABELS, TEXT_ENCODINGS, type Delimiter, type TextEncoding,
} from '../../excel/formats';
import type { Problem } from '../../lib/problems';
import type { CatalogItem } from '../../api/contract';
import { client, pickFile, saveFile } from '../api';
import { ExportButton } from '../components/ExportButton';
import { AgencyPicker } from '../components/AgencyPicker';
import { BoundedNumber } from '../components/BoundedNumber';
import { Problems } from '../components/Problems';
import { useI18n } from '../i18n';
import { gridLocale, gridTheme } from '../lib/grid';

type Mapping = Omit<LedgerMapping, 'columns'> & { columns: Partial<Record<LedgerField, string | null>> };

const REQUIRED: LedgerField[] = ['资产编号'];

/** Excel 导入: an agency's own ledger, whatever its layout, mapped column by column and name by name, checked, then imported. */
export function ImportWizard({ agencies, catalog, onImported }: { agencies: AgencyNode[]; catalog: CatalogItem[]; onImported: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [step, setStep] = useState(0);
  const [file, setFile] = useState<(ImportFileInfo & { base64: string }) | null>(null);
  const [mapping, setMapping] = useState<Mapping>({ columns: {} });
  const [analysis, setAnalysis] = useState<ImportAnalysis | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [mode, setMode] = useState<'all' | 'valid'>('all');
  const [outcome, setOutcome] = useState<LedgerImportOutcome | ImportOutcome | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [busy, setBusy] = useState(false);

  const run = async <R,>(f: () => Promise<R>): Promise<R | undefined> => {
    setBusy(true);
    setProblems([]);
    try {
      return await f();
    } catch (e) {
      setProblems(e instanceof ApiError ? e.problems : [{ message: (e as Error).message }]);
      return undefined;
    } finally {
      setBusy(false);
    }
  };

  const analyse = (m: Mapping, token = file?.token) =>
    run(async () => {
      const a = await client.call('imports/analyse', { token: token!, mapping: m });
      setAnalysis(a);
      setMapping((cur) => ({
        ...cur, ...m, sheet: a.sheet, headerRow: a.headerRow, headerRows: a.headerRows, priceUnit: a.priceUnit,
        columns: { ...Object.fromEntries(LEDGER_FIELDS.map((f) => [f, a.fields[f] ?? null])) },
        items: { ...Object.fromEntries(a.items.filter((i) => i.code).map((i) => [i.text, i.code!])), ...m.items },
        agencies: { ...Object.fromEntries(a.agencies.filter((i) => i.code).map((i) => [i.text, i.code!])), ...m.agencies },
        statuses: { ...Object.fromEntries(a.statuses.filter((i) => i.status).map((i) => [i.text, i.status!])), ...m.statuses },
      }));
      return a;
    });

  /** Opens the file on the server (again, when the user changes how a text file is read) and reads the suggested sheet's columns. */
  const open = async (picked: { name: string; base64: string }, text: { encoding?: TextEncoding; delimiter?: Delimiter } = {}) => {
    const info = await run(() => client.call('imports/open', { fileName: picked.name, base64: picked.base64, ...text }));
    if (!info) return;
    setFile({ ...info, base64: picked.base64 });
    setOutcome(null);
    setPreview(null);
    const fresh: Mapping = { columns: {}, sheet: info.suggestedSheet ?? info.sheets[0]?.name, defaultAgency: mapping.defaultAgency };
    setMapping(fresh);
    setAnalysis(null);
    if (!info.template && info.suggestedSheet) await analyse(fresh, info.token);
  };

  const choose = async () => {
    const picked = await pickFile('sheet');
    if (picked) await open(picked);
  };

  const reread = (text: { encoding?: TextEncoding; delimiter?: Delimiter }) =>
    file?.text && open({ name: file.fileName, base64: file.base64 }, { encoding: file.text.encoding, delimiter: file.text.delimiter, ...text });

  const loadMapping = async () => {
    const picked = await pickFile('mapping');
    if (!picked) return;
    try {
      const saved = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(picked.base64), (c) => c.charCodeAt(0)))) as LedgerMapping;
      const m: Mapping = { ...saved, columns: saved.columns ?? {} };
      if (file) await analyse(m);
      else setMapping(m);
      message.success(t('wizard.mappingLoaded'));
    } catch (e) {
      setProblems([{ file: picked.name, message: (e as Error).message }]);
    }
  };

  /** The mapping with columns named by their headers, so next year's file with its columns moved still maps. */
  const saveMapping = () => {
    const byLetter = new Map(analysis?.columns.map((c) => [c.letter, c.label]) ?? []);
    const columns = Object.fromEntries(Object.entries(mapping.columns).filter(([, l]) => l).map(([f, l]) => [f, byLetter.get(l!) || l]));
    const json = JSON.stringify({ ...mapping, sheet: undefined, headerRow: undefined, headerRows: undefined, columns }, null, 2);
    const base64 = btoa(String.fromCharCode(...new TextEncoder().encode(json)));
    void saveFile('mapping', { fileName: `${file ? baseName(file.fileName) : '导入'}-映射.json`, base64 });
  };

  const doPreview = async () => {
    const p = await run(() => client.call('imports/preview', { token: file!.token, mapping }));
    if (p) {
      setPreview(p);
      setMode(p.rejected > 0 && p.valid > 0 ? 'valid' : 'all');
      setStep(3);
    }
  };

  const doImport = async () => {
    const o = await run(() => client.call('imports/ledger', { token: file!.token, mapping, mode }));
    if (o) {
      setOutcome(o);
      setStep(4);
      onImported();
    }
  };

  const importAsTemplate = async () => {
    const o = await run(() => client.call('imports/template', { fileName: file!.fileName, base64: file!.base64, encoding: file!.text?.encoding, delimiter: file!.text?.delimiter }));
    if (o) {
      setOutcome(o);
      setStep(4);
      onImported();
    }
  };

  const restart = () => {
    setFile(null);
    setAnalysis(null);
    setPreview(null);
    setOutcome(null);
    setStep(0);
  };

  const unassigned = (analysis?.items ?? []).filter((i) => !mapping.items?.[i.text]).length;
  const unassignedAgencies = (analysis?.agencies ?? []).filter((i) => !mapping.agencies?.[i.text]).length;
  const unassignedStatuses = (analysis?.statuses ?? []).filter((i) => !mapping.statuses?.[i.text]).length;
  const missing = REQUIRED.filter((f) => !mapping.columns[f]);
  if (!mapping.columns['装备代码'] && !mapping.columns[ITEM_NAME_HEADER]) missing.push(ITEM_NAME_HEADER);
  if (!mapping.columns['所属机构编码'] && !mapping.defaultAgency) missing.push('所属机构编码');

  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100%', gap: 12, overflow: 'auto' }}>
      <Steps
        size="small"
        current={step}
        onChange={(s) => s < step && step < 4 && setStep(s)}
        items={[t('wizard.step.file'), t('wizard.step.columns'), t('wizard.step.names'), t('wizard.step.check'), t('wizard.step.done')].map((title) => ({ title }))}
      />
      {problems.length > 0 && <Problems title={t('import.failed')} problems={problems} />}
      {step === 0 && (
        <FileStep
          file={file}
          sheet={mapping.sheet}
          busy={busy}
          onChoose={choose}
          onText={reread}
          onSheet={(sheet) => analyse({ ...mapping, sheet, headerRow: undefined, headerRows: undefined, columns: {} })}
          onTemplate={importAsTemplate}
          onNext={() => setStep(1)}
          canNext={!!analysis && !file?.template}
          onLoadMapping={loadMapping}
        />
      )}
      {step === 1 && analysis && (
        <ColumnsStep
          analysis={analysis}
          mapping={mapping}
          agencies={agencies}
          missing={missing}
          busy={busy}
          onHeader={(headerRow, headerRows) => analyse({ ...mapping, headerRow, headerRows, columns: {} })}
          onColumn={(field, letter) => analyse({ ...mapping, columns: { ...mapping.columns, [field]: letter } })}
          onChange={(m) => setMapping({ ...mapping, ...m })}
          onNext={() => setStep(2)}
        />
      )}
      {step === 2 && analysis && (
        <Card size="small" title={t('wizard.names.title')} extra={<Space>
          <Button icon={<SaveOutlined />} onClick={saveMapping} data-testid="wizard-save-mapping">{t('wizard.saveMapping')}</Button>
          <Button type="primary" loading={busy} onClick={doPreview} data-testid="wizard-check">{t('wizard.check')}</Button>
        </Space>}>
          <Space orientation="vertical" style={{ width: '100%' }} size={12}>
            {unassigned + unassignedAgencies + unassignedStatuses > 0
              ? <Alert type="warning" showIcon title={t('wizard.names.unassigned', { n: unassigned + unassignedAgencies + unassignedStatuses })} />
              : <Alert type="success" showIcon title={t('wizard.names.allAssigned')} />}
            <NameTable
              testId="item-names"
              title={t('wizard.names.items')}
              choices={analysis.items}
              value={mapping.items ?? {}}
              options={catalog.map((i) => ({ value: i.code, label: `${i.code} ${i.name}` }))}
              onChange={(items) => setMapping({ ...mapping, items })}
            />
            {analysis.agencies.length > 0 && (
              <NameTable
                testId="agency-names"
                title={t('wizard.names.agencies')}
                choices={analysis.agencies}
                value={mapping.agencies ?? {}}
                options={agencies.map((a) => ({ value: a.code, label: `${a.code} ${a.name}` }))}
                onChange={(agenciesMap) => setMapping({ ...mapping, agencies: agenciesMap })}
              />
            )}
            {analysis.statuses.length > 0 && (
              <StatusTable choices={analysis.statuses} value={mapping.statuses ?? {}} onChange={(statuses) => setMapping({ ...mapping, statuses })} />
            )}
          </Space>
        </Card>
      )}
      {step === 3 && preview && (
        <PreviewStep preview={preview} columns={analysis!.fields} mode={mode} onMode={setMode} busy={busy} onImport={doImport} onSaveMapping={saveMapping} />
      )}
      {step === 4 && outcome && (
        <Result
          status={'rejected' in outcome && outcome.rejected > 0 ? 'warning' : 'success'}
          title={t('import.done', { a1: outcome.agencies.created, a2: outcome.agencies.updated, s1: outcome.assets.created, s2: outcome.assets.updated, s3: outcome.assets.unchanged })}
          subTitle={[
            'rejected' in outcome && outcome.rejected > 0 ? t('wizard.done.rejected', { n: outcome.rejected }) : null,
            outcome.disposals ? t('wizard.done.disposals', { n: outcome.disposals }) : null,
          ].filter(Boolean).join(';') || undefined}
          extra={<Space>
            {'errors' in outcome && outcome.errors && (
              <Button icon={<DownloadOutlined />} onClick={() => saveFile(outcome.errors!.fileName.endsWith('.csv') ? 'csv' : 'xlsx', outcome.errors!)} data-testid="wizard-errors">{t('wizard.done.errors')}</Button>
            )}
            {analysis && !file?.template && <Button icon={<SaveOutlined />} onClick={saveMapping}>{t('wizard.saveMapping')}</Button>}
            <Button type="primary" onClick={restart} data-testid="wizard-again">{t('wizard.again')}</Button>
          </Space>}
          data-testid="wizard-result"
        />
      )}
    </div>
  );
}

function FileStep(props: {
  file: ImportFileInfo | null; sheet?: string; busy: boolean; canNext: boolean;
  onChoose: () => void; onText: (text: { encoding?: TextEncoding; delimiter?: Delimiter }) => void; onSheet: (s: string) => void; onTemplate: () => void; onNext: () => void; onLoadMapping: () => void;
}) {
  const { t } = useI18n();
  const sheet = props.file?.sheets.find((s) => s.name === props.sheet);
  return (
    <Card size="small">
      <Space orientation="vertical" style={{ width: '100%' }} size={12}>
        <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{t('wizard.file.hint')}</Typography.Paragraph>
        <Space wrap>
          <Button type="primary" icon={<UploadOutlined />} loading={props.busy} onClick={props.onChoose} data-testid="wizard-choose">{t('wizard.file.choose')}</Button>
          <Button icon={<FolderOpenOutlined />} onClick={props.onLoadMapping}>{t('wizard.loadMapping')}</Button>
          <ExportButton op="imports/blankTemplate" input={{}} label={t('wizard.file.template')} testId="wizard-template" />
          {props.file && <Typography.Text strong data-testid="wizard-file">{props.file.fileName}</Typography.Text>}
          {props.file && <Tag data-testid="wizard-format">{FORMAT_LABELS[props.file.format]}</Tag>}
        </Space>
        {props.file?.text && (
          <Space wrap data-testid="wizard-text">
            {t('wizard.file.encoding')}
            <Select<TextEncoding>
              style={{ width: 220 }}
              value={props.file.text.encoding}
              onChange={(encoding) => props.onText({ encoding })}
              options={TEXT_ENCODINGS.map((e) => ({ value: e, label: ENCODING_LABELS[e] }))}
              disabled={props.busy}
              data-testid="wizard-encoding"
            />
            {props.file.format === 'csv' && (
              <>
                {t('wizard.file.delimiter')}
                <Select<Delimiter>
                  style={{ width: 120 }}
                  value={props.file.text.delimiter}
                  onChange={(delimiter) => props.onText({ delimiter })}
                  options={DELIMITERS.map((d) => ({ value: d, label: DELIMITER_LABELS[d] }))}
                  disabled={props.busy}
                  data-testid="wizard-delimiter"
                />
              </>
            )}
          </Space>
        )}
        {props.file?.text && !props.file.text.certain && (
          <Alert
            type="warning"
            showIcon
            title={t('wizard.file.uncertain', { encoding: ENCODING_LABELS[props.file.text.encoding] })}
            action={<Button size="small" loading={props.busy} onClick={() => props.onText({})} data-testid="wizard-confirm-encoding">{t('wizard.file.confirmEncoding')}</Button>}
            data-testid="wizard-uncertain"
          />
        )}
        {props.file?.template && (
          <Alert type="info" showIcon title={t('wizard.file.isTemplate')} action={<Button type="primary" onClick={props.onTemplate} loading={props.busy} data-testid="wizard-import-template">{t('wizard.file.importTemplate')}</Button>} />
        )}
        {props.file && !props.file.template && (
          <>
            <Space>
              {t('wizard.file.sheet')}
              <Select
                style={{ width: 240 }}
                value={props.sheet}
                onChange={props.onSheet}
                options={props.file.sheets.map((s) => ({ value: s.name, label: `${s.name}${s.hidden ? t('wizard.file.hidden') : ''}(${t('wizard.file.rows', { n: s.rows })})` }))}
                data-testid="wizard-sheet"
              />
              <Button type="primary" disabled={!props.canNext} onClick={props.onNext} data-testid="wizard-next">{t('wizard.next')}</Button>
            </Space>
            {sheet && <HeadTable head={sheet.head} />}
          </>
        )}
      </Space>
    </Card>
  );
}

/** The first rows of a sheet as they are, so the user recognises the file. */
function HeadTable({ head }: { head: (string | null)[][] }) {
  const width = Math.max(0, ...head.map((r) => r.length));
  if (!width) return <Empty />;
  return (
    <div style={{ overflow: 'auto', border: '1px solid #f0f0f0' }}>
      <table style={{ borderCollapse: 'collapse', fontSize: 12 }}>
        <tbody>
          {head.map((r, i) => (
            <tr key={i}>
              <td style={{ color: '#8c8c8c', padding: '2px 6px', background: '#fafafa' }}>{i + 1}</td>
              {Array.from({ length: width }, (_, c) => (
                <td key={c} style={{ border: '1px solid #f0f0f0', padding: '2px 6px', whiteSpace: 'nowrap', maxWidth: 180, overflow: 'hidden', textOverflow: 'ellipsis' }}>{r[c] ?? ''}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ColumnsStep(props: {
  analysis: ImportAnalysis; mapping: Mapping; agencies: AgencyNode[]; missing: LedgerField[]; busy: boolean;
  onHeader: (row: number, rows: 1 | 2) => void; onColumn: (f: LedgerField, letter: string | null) => void; onChange: (m: Partial<Mapping>) => void; onNext: () => void;
}) {
  const { t } = useI18n();
  const { analysis, mapping } = props;
  const options = analysis.columns.map((c) => ({
    value: c.letter, disabled: c.secret, label: `${c.letter} 列 ${c.label || t('wizard.columns.noHeader')}${c.secret ? t('wizard.columns.secret') : ''}`,
  }));
  const rows = LEDGER_FIELDS.map((field) => {
    const letter = mapping.columns[field] ?? null;
    return { field, letter, samples: analysis.columns.find((c) => c.letter === letter)?.samples ?? [] };
  });
  return (
    <Card size="small" title={t('wizard.columns.title')} extra={<Button type="primary" disabled={props.missing.length > 0} onClick={props.onNext} data-testid="wizard-next">{t('wizard.next')}</Button>}>
      <Space orientation="vertical" style={{ width: '100%' }} size={12}>
        <Space wrap size={16}>
          <span>{t('wizard.columns.headerRow')} <BoundedNumber label={t('wizard.columns.headerRowName')} min={1} max={1000} value={analysis.headerRow} onChange={(v) => v && props.onHeader(v, analysis.headerRows)} data-testid="wizard-header-row" /></span>
          <Segmented<number> value={analysis.headerRows} onChange={(v) => props.onHeader(analysis.headerRow, v as 1 | 2)} options={[{ value: 1, label: t('wizard.columns.oneRow') }, { value: 2, label: t('wizard.columns.twoRows') }]} />
          <span>{t('wizard.columns.priceUnit')} <Radio.Group value={mapping.priceUnit ?? 'yuan'} onChange={(e) => props.onChange({ priceUnit: e.target.value })} options={[{ value: 'yuan', label: '元' }, { value: 'wan', label: '万元' }]} /></span>
          <span>{t('wizard.columns.defaultAgency')} <AgencyPicker agencies={props.agencies} value={mapping.defaultAgency ?? undefined} onChange={(v) => props.onChange({ defaultAgency: v ?? null })} /></span>
        </Space>
        {props.missing.length > 0 && <Alert type="warning" showIcon title={t('wizard.columns.missing', { fields: props.missing.join('、') })} />}
        {mapping.columns['数量'] && <Alert type="info" showIcon title={t('wizard.columns.quantityHint')} data-testid="wizard-quantity-hint" />}
        <Table
          size="small"
          pagination={false}
          rowKey="field"
          dataSource={rows}
          data-testid="wizard-columns"
          columns={[
            { title: t('wizard.columns.field'), dataIndex: 'field', width: 160, render: (f: LedgerField) => <>{f}{REQUIRED.includes(f) && <Typography.Text type="danger"> *</Typography.Text>}</> },
            {
              title: t('wizard.columns.column'), dataIndex: 'letter', width: 320,
              render: (letter: string | null, r) => (
                <Select allowClear style={{ width: 300 }} value={letter} placeholder={t('wizard.columns.none')} options={options} loading={props.busy} onChange={(v) => props.onColumn(r.field, v ?? null)} data-testid={`column-${r.field}`} />
              ),
            },
            { title: t('wizard.columns.samples'), dataIndex: 'samples', render: (s: string[]) => <Typography.Text type="secondary">{s.join(' / ')}</Typography.Text> },
          ]}
        />
      </Space>
    </Card>
  );
}

function NameTable(props: { testId: string; title: string; choices: NameChoice[]; value: Record<string, string>; options: { value: string; label: string }[]; onChange: (v: Record<string, string>) => void }) {
  const { t } = useI18n();
  return (
    <Table
      size="small"
      title={() => <Typography.Text strong>{props.title}</Typography.Text>}
      pagination={props.choices.length > 50 ? { pageSize: 50 } : false}
      rowKey="text"
      dataSource={props.choices}
      data-testid={props.testId}
      columns={[
        { title: t('wizard.names.text'), dataIndex: 'text', width: 260 },
        { title: t('wizard.names.count'), dataIndex: 'count', width: 70, align: 'right' },
        {
          title: t('wizard.names.code'), width: 520,
          render: (_: unknown, c: NameChoice) => {
            const chosen = props.value[c.text];
            const near = new Set(c.candidates.map((x) => x.code));
            const options = [...c.candidates.map((x) => props.options.find((o) => o.value === x.code)!).filter(Boolean), ...props.options.filter((o) => !near.has(o.value))];
            const closest = !chosen && c.source === 'likeness' ? c.candidates[0] : undefined;
            const set = (code: string | undefined) => {
              const next = { ...props.value };
              if (code) next[c.text] = code;
              else delete next[c.text];
              props.onChange(next);
            };
            return (
              <Space size={6}>
              <Select
                showSearch={{ optionFilterProp: 'label' }}
                allowClear
                status={chosen ? undefined : 'warning'}
                style={{ width: closest ? 330 : 400 }}
                value={chosen}
                placeholder={closest ? t('wizard.names.near', { code: closest.code, name: closest.name }) : t('wizard.names.pick')}
                options={options}
                onChange={set}
                data-testid={`name-${c.text}`}
              />
              {closest && (
                <Button size="small" onClick={() => set(closest.code)} data-testid={`confirm-${c.text}`} title={`${closest.code} ${closest.name}`}>
                  {t('wizard.names.confirm', { code: closest.code })}
                </Button>
              )}
              </Space>
            );
          },
        },
        {
          title: t('wizard.names.source'), width: 100,
          render: (_: unknown, c: NameChoice) => {
            const chosen = props.value[c.text];
            if (!chosen) return <Tag color="warning" data-testid={`source-${c.text}`}>{t(c.source === 'likeness' ? 'wizard.names.toConfirm' : 'wizard.names.needed')}</Tag>;
            if (chosen !== c.code) return <Tag color="blue">{t('wizard.names.manual')}</Tag>;
            return <Tag color={c.source === 'remembered' ? 'purple' : 'green'}>{t(c.source === 'remembered' ? 'wizard.names.remembered' : 'wizard.names.auto')}</Tag>;
          },
        },
      ]}
    />
  );
}

/** The file's status words beyond the usual ones, each given one of the meanings an import knows. */
function StatusTable(props: { choices: StatusChoice[]; value: Record<string, ImportStatus>; onChange: (v: Record<string, ImportStatus>) => void }) {
  const { t } = useI18n();
  const options = IMPORT_STATUSES.map((s) => ({ value: s, label: IMPORT_STATUS_LABELS[s] }));
  return (
    <Table
      size="small"
      title={() => <Space orientation="vertical" size={2}><Typography.Text strong>{t('wizard.names.statuses')}</Typography.Text><Typography.Text type="secondary">{t('wizard.names.statusHint')}</Typography.Text></Space>}
      pagination={false}
      rowKey="text"
      dataSource={props.choices}
      data-testid="status-names"
      columns={[
        { title: t('wizard.names.text'), dataIndex: 'text', width: 260 },
        { title: t('wizard.names.count'), dataIndex: 'count', width: 70, align: 'right' },
        {
          title: t('wizard.names.code'), width: 520,
          render: (_: unknown, c: StatusChoice) => (
            <Select
              allowClear
              style={{ width: 240 }}
              status={props.value[c.text] ? undefined : 'warning'}
              value={props.value[c.text]}
              placeholder={t('wizard.names.pick')}
              options={options}
              onChange={(v: ImportStatus | undefined) => {
                const next = { ...props.value };
                if (v) next[c.text] = v;
                else delete next[c.text];
                props.onChange(next);
              }}
              data-testid={`status-${c.text}`}
            />
          ),
        },
        {
          title: t('wizard.names.source'), width: 100,
          render: (_: unknown, c: StatusChoice) => {
            const chosen = props.value[c.text];
            if (!chosen) return <Tag color="warning">{t('wizard.names.needed')}</Tag>;
            return chosen === c.status && c.source === 'remembered' ? <Tag color="purple">{t('wizard.names.remembered')}</Tag> : <Tag color="blue">{t('wizard.names.manual')}</Tag>;
          },
        },
      ]}
    />
  );
}

function PreviewStep(props: {
  preview: ImportPreview; columns: ImportAnalysis['fields']; mode: 'all' | 'valid'; busy: boolean;
  onMode: (m: 'all' | 'valid') => void; onImport: () => void; onSaveMapping: () => void;
}) {
  const { t, lang } = useI18n();
  const { preview } = props;
  const fields = LEDGER_FIELDS.filter((f) => props.columns[f]);
  const columnDefs = useMemo<ColDef<PreviewRow>[]>(() => [
    { headerName: t('wizard.check.row'), field: 'row', width: 80, pinned: 'left' },
    {
      headerName: t('wizard.check.problem'), width: 90, pinned: 'left',
      valueGetter: (p) => (Object.keys(p.data?.problems ?? {}).length ? '✗' : '✓'),
      cellStyle: (p) => ({ color: p.value === '✗' ? '#cf1322' : '#389e0d', fontWeight: 600 }),
    },
    ...fields.map<ColDef<PreviewRow>>((f) => ({
      headerName: `${f}(${props.columns[f]})`,
      colId: f,
      width: f === '备注' ? 200 : 130,
      valueGetter: (p) => p.data?.cells[f] ?? '',
      tooltipValueGetter: (p) => p.data?.problems[f] ?? null,
      cellStyle: (p) => (p.data?.problems[f] ? { background: '#fff1f0', color: '#a8071a', boxShadow: 'inset 0 0 0 1px #ff7875' } : null),
    })),
    { headerName: t('wizard.check.reasons'), flex: 1, minWidth: 260, valueGetter: (p) => Object.values(p.data?.problems ?? {}).join(';'), cellStyle: { color: '#a8071a' } },
  ], [fields, props.columns, t]);
  const canImport = props.mode === 'all' ? preview.rejected === 0 : preview.valid > 0;
  return (
    <Card size="small" style={{ flex: 1, display: 'flex', flexDirection: 'column' }} styles={{ body: { flex: 1, display: 'flex', flexDirection: 'column', gap: 12 } }}>
      <Space size={32} wrap>
        <Statistic title={t('wizard.check.total')} value={preview.total} />
        <Statistic title={t('wizard.check.valid')} value={preview.valid} styles={{ content: { color: '#389e0d' } }} />
        <Statistic title={t('wizard.check.units')} value={preview.units} />
        <Statistic title={t('wizard.check.rejected')} value={preview.rejected} styles={{ content: { color: preview.rejected ? '#cf1322' : undefined } }} />
        <Statistic title={t('wizard.check.create')} value={preview.create} />
        <Statistic title={t('wizard.check.update')} value={preview.update} />
      </Space>
      <Space wrap>
        <Radio.Group value={props.mode} onChange={(e) => props.onMode(e.target.value)} data-testid="wizard-mode">
          <Radio value="all">{t('wizard.check.modeAll')}</Radio>
          <Radio value="valid">{t('wizard.check.modeValid')}</Radio>
        </Radio.Group>
        <Button type="primary" disabled={!canImport} loading={props.busy} onClick={props.onImport} data-testid="wizard-import">{t('wizard.import')}</Button>
        <Button icon={<SaveOutlined />} onClick={props.onSaveMapping}>{t('wizard.saveMapping')}</Button>
        {!canImport && <Typography.Text type="danger">{t(props.mode === 'all' ? 'wizard.check.fixFirst' : 'wizard.check.nothingValid')}</Typography.Text>}
      </Space>
      {preview.skipped.length > 0 && (
        <Typography.Paragraph type="secondary" style={{ margin: 0 }} ellipsis={{ rows: 2, expandable: true }} data-testid="wizard-skipped">
          {t('wizard.check.skipped', { n: preview.skipped.length })}{preview.skipped.map((x) => `第 ${x.row} 行 ${x.reason}`).join(';')}
        </Typography.Paragraph>
      )}
      {preview.rejected > 0 && <Typography.Text type="secondary">{t('wizard.check.shown', { n: preview.rows.filter((r) => Object.keys(r.problems).length).length })}</Typography.Text>}
      <div style={{ flex: 1, minHeight: 320 }} data-testid="wizard-preview">
        <AgGridReact<PreviewRow> theme={gridTheme} localeText={gridLocale(lang)} rowData={preview.rows} columnDefs={columnDefs} tooltipShowDelay={200} getRowId={(p) => String(p.data.row)} />
      </div>
    </Card>
  );
}
