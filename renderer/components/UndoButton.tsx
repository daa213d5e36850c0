import { UndoOutlined } from '@ant-design/icons';
import { App, Button } from 'antd';
import { useEffect } from 'react';
import { client } from '../api';
import { useI18n } from '../i18n';
import { useClock } from '../lib/clock';
import { useMay } from '../lib/session';
import { useApi } from '../lib/useApi';

/** Takes back the last bulk edit or import, once; shown only while there is one. `nonce` re-checks after an edit. */
export function UndoButton({ nonce, onUndone }: { nonce: number; onUndone: () => void }) {
  const { t } = useI18n();
  const { message, modal } = App.useApp();
  const { time } = useClock();
  const allowed = useMay('undo/apply');
  const last = useApi('undo/last', {}, allowed);
  const { reload } = last;
  useEffect(() => {
    if (nonce > 0) reload();
  }, [nonce, reload]);
  if (!allowed || !last.data) return null;
  const b = last.data;
  const kind = t(b.kind === 'bulk' ? 'undo.bulk' : 'undo.import');
  return (
    <Button
      icon={<UndoOutlined />}
      data-testid="undo"
      onClick={() => modal.confirm({
        title: t('undo.button', { kind }),
        content: t('undo.confirm', { actor: b.actor, at: time(b.at), kind, n: b.entries }),
        okButtonProps: { id: 'undo-ok' },
        onOk: async () => {
          try {
            const r = await client.call('undo/apply', { batch: b.batch });
            message.success(t('undo.done', { n: r.undone }));
            onUndone();
          } catch (e) {
            message.error((e as Error).message);
          }
          last.reload();
        },
      })}
    >
      {t('undo.button', { kind })}
    </Button>
  );
}
