import { UploadOutlined } from '@ant-design/icons';
import { App, Button, Upload } from 'antd';
import { useState } from 'react';
import type { ImportOutcome } from '../../api/contract';
import { ApiError } from '../../api/client';
import type { Problem } from '../../lib/problems';
import { client } from '../api';
import { useI18n } from '../i18n';

function toBase64(buf: ArrayBuffer): string {
  const bytes = new Uint8Array(buf);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** Picks an .xlsx template and imports it; reports the outcome or every problem. */
export function ImportButton(props: { onDone: (o: ImportOutcome) => void; onProblems: (p: Problem[]) => void; block?: boolean; type?: 'primary' | 'default' }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  return (
    <Upload
      className={props.block ? 'eql-block-upload' : undefined}
      accept=".xlsx"
      showUploadList={false}
      beforeUpload={async (file) => {
        setBusy(true);
        try {
          const o = await client.call('imports/template', { fileName: file.name, base64: toBase64(await file.arrayBuffer()) });
          message.success(t('import.done', { a1: o.agencies.created, a2: o.agencies.updated, s1: o.assets.created, s2: o.assets.updated, s3: o.assets.unchanged }));
          props.onDone(o);
        } catch (e) {
          props.onProblems(e instanceof ApiError ? e.problems : [{ message: (e as Error).message }]);
        } finally {
          setBusy(false);
        }
        return false;
      }}
    >
      <Button icon={<UploadOutlined />} loading={busy} block={props.block} type={props.type}>
        {t('firstRun.import')}
      </Button>
    </Upload>
  );
}
