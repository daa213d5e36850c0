import { DownloadOutlined } from '@ant-design/icons';
import { App, Button } from 'antd';
import { useState } from 'react';
import type { FileOut } from '../../api/contract';
import { saveFile } from '../api';
import { useI18n } from '../i18n';

/** Asks the backend for an .xlsx and hands it to the user to save. */
export function ExportButton({ fetch, label, testId, size }: { fetch: () => Promise<FileOut>; label?: string; testId?: string; size?: 'small' }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      await saveFile('xlsx', await fetch());
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return <Button size={size} icon={<DownloadOutlined />} loading={busy} onClick={run} data-testid={testId}>{label ?? t('export.xlsx')}</Button>;
}
