import { QrcodeOutlined } from '@ant-design/icons';
import { App, Button, Form, InputNumber, Modal, Radio, Space, Typography } from 'antd';
import { useState } from 'react';
import { LABEL_LAYOUTS, type LabelLayout } from '../../api/contract';
import { client, saveFile } from '../api';
import { useI18n } from '../i18n';
import { useMay } from '../lib/session';

type Margin = 'top' | 'left' | 'columnGap' | 'rowGap';
const MARGINS: Margin[] = ['top', 'left', 'columnGap', 'rowGap'];
/** Each layout's own margins, as the server prints them when none are given. */
const DEFAULTS: Record<LabelLayout, Record<Margin, number>> = {
  'a4-3x8': { top: 0.5, left: 0, columnGap: 0, rowGap: 0 },
  'a4-2x5': { top: 6, left: 0, columnGap: 0, rowGap: 0 },
  '50x30': { top: 0, left: 0, columnGap: 0, rowGap: 0 },
};

/** 打印标签: a PDF of QR labels for the ticked assets, or for the agency the ledger is filtered to, with blank labels if wanted. */
export function LabelsButton({ tags, agency, agencyName }: { tags: string[]; agency: string | undefined; agencyName: string | undefined }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const canReserve = useMay('labels/link');
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [layout, setLayout] = useState<LabelLayout>('a4-3x8');
  const [margins, setMargins] = useState<Record<Margin, number>>(DEFAULTS['a4-3x8']);
  const [blank, setBlank] = useState(0);
  const what = tags.length ? t('labels.forSelected', { n: tags.length }) : blank > 0 ? t('labels.blankOnly') : agency ? t('labels.forAgency', { agency: agencyName ?? agency }) : t('labels.forScope');

  const run = async () => {
    setBusy(true);
    try {
      const out = await client.call('labels/pdf', {
        ...(tags.length ? { tags } : agency ? { agency } : {}),
        layout,
        margins: layout === '50x30' ? undefined : margins,
        blank: blank || undefined,
      });
      if (await saveFile('pdf', out)) setOpen(false);
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <Button icon={<QrcodeOutlined />} onClick={() => setOpen(true)} data-testid="labels-open">{t('labels.print')}</Button>
      <Modal
        open={open}
        title={t('labels.title')}
        onCancel={() => setOpen(false)}
        onOk={() => void run()}
        okText={t('labels.download')}
        okButtonProps={{ loading: busy, id: 'labels-download' }}
        width={520}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary" data-testid="labels-what">{what}</Typography.Paragraph>
        <Form layout="vertical" size="middle">
          <Form.Item label={t('labels.layout')}>
            <Radio.Group
              value={layout}
              onChange={(e) => (setLayout(e.target.value), setMargins(DEFAULTS[e.target.value as LabelLayout]))}
              data-testid="labels-layout"
            >
              <Space direction="vertical">
                {LABEL_LAYOUTS.map((l) => <Radio key={l} value={l} data-testid={`labels-layout-${l}`}>{t(`labels.layout.${l}`)}</Radio>)}
              </Space>
            </Radio.Group>
          </Form.Item>
          {layout !== '50x30' && (
            <Form.Item label={t('labels.margins')}>
              <Space wrap>
                {MARGINS.map((m) => (
                  <Space.Compact key={m}>
                    <Button disabled style={{ color: 'inherit', cursor: 'default' }}>{t(`labels.${m}`)}</Button>
                    <InputNumber min={0} max={300} step={0.5} style={{ width: 80 }} value={margins[m]} data-testid={`labels-${m}`}
                      onChange={(v) => setMargins({ ...margins, [m]: v ?? 0 })} />
                  </Space.Compact>
                ))}
              </Space>
            </Form.Item>
          )}
          {canReserve && (
            <Form.Item label={t('labels.blank')} extra={t('labels.blankHint')}>
              <InputNumber min={0} max={1000} precision={0} value={blank} onChange={(v) => setBlank(v ?? 0)} data-testid="labels-blank" />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </>
  );
}
