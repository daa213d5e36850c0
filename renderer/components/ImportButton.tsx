import { UploadOutlined } from '@ant-design/icons';
import { App, Button } from 'antd';
import { useState } from 'react';
import type { ImportOutcome } from '../../api/contract';
import { ApiError } from '../../api/client';
import type { Problem } from '../../lib/problems';
import { client, pickFile } from '../api';
import { useI18n } from '../i18n';

/** Picks a template (.xlsx, or any format the importer reads) and imports it; reports the outcome or every problem. */
export function ImportButton(props: { onDone: (o: ImportOutcome) => void; onProblems: (p: Problem[]) => void; block?: boolean; type?: 'primary' | 'default' }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const run = async () => {
    try {
      const file = await pickFile('sheet');
      if (!file) return;
      setBusy(true);
      const o = await client.call('imports/template', { fileName: file.name, base64: file.base64 });
      message.success(t('import.done', { a1: o.agencies.created, a2: o.agencies.updated, s1: o.assets.created, s2: o.assets.updated, s3: o.assets.unchanged }));
      props.onDone(o);
    } catch (e) {
      props.onProblems(e instanceof ApiError ? e.problems : [{ message: (e as Error).message }]);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Button icon={<UploadOutlined />} loading={busy} block={props.block} type={props.type} onClick={run} data-testid="import-workbook">
      {t('firstRun.import')}
    </Button>
  );
}
