import { DownloadOutlined, DownOutlined } from '@ant-design/icons';
import { App, Button, Dropdown, Space } from 'antd';
import { useContext, useState } from 'react';
import { api, CSV_SHAPES, type CsvShape, type ExportOp, type FileOut, type Input, type ReportFormat } from '../../api/contract';
import { client, saveFile } from '../api';
import { useI18n } from '../i18n';
import { lastExportFormat, rememberExportFormat, SessionContext } from '../lib/session';

/** An export operation and its input, the format aside; a function when the input is read at the click (the grid's filters). */
export type ExportRequest = { [N in ExportOp]: { op: N; input: Omit<Input<N>, 'format'> | (() => Omit<Input<N>, 'format'>) } }[ExportOp];

/**
 * Exports in the format the user last chose; the arrow beside it offers .xlsx or CSV (for WPS and older
 * Excel), saying what the CSV of a workbook of several sheets holds, and a PDF to print where the operation
 * draws one (the 盘点报告).
 */
export function ExportButton({ op, input, label, testId, size }: ExportRequest & { label?: string; testId?: string; size?: 'small' }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const user = useContext(SessionContext)!;
  const [format, setFormat] = useState<ReportFormat>(() => lastExportFormat(user));
  const [busy, setBusy] = useState(false);
  const run = async (f: ReportFormat) => {
    setBusy(true);
    try {
      const value = typeof input === 'function' ? input() : input;
      const out = (await client.call(op, { ...value, format: f } as never)) as FileOut;
      await saveFile(out.fileName.endsWith('.xlsx') ? 'xlsx' : out.fileName.endsWith('.zip') ? 'zip' : out.fileName.endsWith('.pdf') ? 'pdf' : 'csv', out);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  const choose = (f: ReportFormat) => {
    setFormat(f);
    // The spreadsheet format is the user's across screens; a PDF only this button draws.
    if (f !== 'pdf') rememberExportFormat(user, f);
    void run(f);
  };
  const pdf = (api[op].formats as readonly ReportFormat[]).includes('pdf');
  const shape: CsvShape | undefined = (CSV_SHAPES as Partial<Record<ExportOp, CsvShape>>)[op];
  const csvChoice = shape === undefined ? t('export.toCsv') : shape === 'zip' ? t('export.toCsvZip') : t('export.toCsvSheet', { sheet: shape.sheet });
  const text = format === 'csv' ? (label ? t('export.asCsv', { label }) : t('export.csv'))
    : format === 'pdf' ? (label ? t('export.asPdf', { label }) : t('export.pdf')) : (label ?? t('export.xlsx'));
  return (
    <Space.Compact size={size}>
      <Button icon={<DownloadOutlined />} loading={busy} onClick={() => void run(format)} data-testid={testId} title={format === 'csv' ? csvChoice : format === 'pdf' ? t('export.toPdf') : t('export.toXlsx')}>{text}</Button>
      <Dropdown
        trigger={['click']}
        autoFocus
        disabled={busy}
        menu={{
          selectable: true,
          selectedKeys: [format],
          items: [
            { key: 'xlsx', label: <span data-testid={testId && `${testId}-as-xlsx`}>{t('export.toXlsx')}</span> },
            { key: 'csv', label: <span data-testid={testId && `${testId}-as-csv`}>{csvChoice}</span> },
            ...(pdf ? [{ key: 'pdf', label: <span data-testid={testId && `${testId}-as-pdf`}>{t('export.toPdf')}</span> }] : []),
          ],
          onClick: ({ key }) => choose(key as ReportFormat),
        }}
      >
        <Button icon={<DownOutlined />} aria-label={t('export.choose')} data-testid={testId && `${testId}-format`} />
      </Dropdown>
    </Space.Compact>
  );
}
