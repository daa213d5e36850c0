import { CloudServerOutlined, DesktopOutlined, SafetyCertificateOutlined } from '@ant-design/icons';
import { Alert, Button, Descriptions, Form, Input, Modal, Row, Space, Typography } from 'antd';
import dayjs from 'dayjs';
import { useState } from 'react';
import { ChoiceCard } from '../components/ChoiceCard';
import { useI18n } from '../i18n';

/** What the desktop app's main process offers the first screen (electron/preload). */
export interface StartBridge {
  /** The server at a typed address and the certificate it presents, or why it cannot be reached. */
  probe(typed: string): Promise<{ origin: string; fingerprint: string; subject: string; validTo: string; trusted: boolean } | { error: string }>;
  /** Connects to the server, pinning the certificate the user checked. */
  connect(origin: string, fingerprint: string): Promise<{ error: string } | null>;
  local(): Promise<void>;
}

type Probed = Extract<Awaited<ReturnType<StartBridge['probe']>>, { origin: string }>;

/** The desktop app's first screen: the ledger on this computer, or the provincial server (its certificate checked on first use). */
export function Start({ bridge }: { bridge: StartBridge }) {
  const { t } = useI18n();
  const [address, setAddress] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [probed, setProbed] = useState<Probed | null>(null);
  const probe = async () => {
    setBusy(true);
    setError(null);
    try {
      const r = await bridge.probe(address);
      if ('error' in r) setError(r.error);
      else setProbed(r);
    } finally {
      setBusy(false);
    }
  };
  const accept = async () => {
    if (!probed) return;
    setBusy(true);
    const r = await bridge.connect(probed.origin, probed.fingerprint);
    setBusy(false);
    if (r) {
      setProbed(null);
      setError(r.error);
    }
  };
  return (
    <div style={{ maxWidth: 880, margin: '64px auto', padding: '0 24px' }}>
      <Typography.Title level={3}>{t('start.title')}</Typography.Title>
      <Typography.Paragraph type="secondary">{t('start.intro')}</Typography.Paragraph>
      <Row gutter={16}>
        <ChoiceCard span={12} icon={<DesktopOutlined />} title={t('start.local')} hint={t('start.localHint')}>
          <Button type="primary" onClick={() => bridge.local()}>{t('start.openLocal')}</Button>
        </ChoiceCard>
        <ChoiceCard span={12} icon={<CloudServerOutlined />} title={t('start.server')} hint={t('start.serverHint')}>
          <Form layout="vertical" onFinish={probe} style={{ margin: 0 }}>
            <Form.Item label={t('start.address')} htmlFor="server-address" style={{ marginBottom: 12 }} validateStatus={error ? 'error' : undefined} help={error ?? undefined}>
              <Input id="server-address" value={address} onChange={(e) => setAddress(e.target.value)} placeholder="https://ledger.sthjt.example.gov.cn:5180" autoFocus />
            </Form.Item>
            <Button htmlType="submit" loading={busy} disabled={!address.trim()}>{t('start.connect')}</Button>
          </Form>
        </ChoiceCard>
      </Row>
      <Modal open={!!probed} title={<Space><SafetyCertificateOutlined />{t('start.checkTitle')}</Space>} onCancel={() => setProbed(null)} width={640}
        footer={[<Button key="cancel" onClick={() => setProbed(null)}>{t('start.cancel')}</Button>,
          <Button key="accept" type="primary" loading={busy} onClick={accept}>{t('start.accept')}</Button>]}>
        {probed && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <Typography.Paragraph>{t('start.checkIntro')}</Typography.Paragraph>
            <Descriptions column={1} size="small" bordered styles={{ label: { whiteSpace: 'nowrap' } }} items={[
              { key: 'origin', label: t('start.address'), children: probed.origin },
              { key: 'fp', label: t('start.fingerprint'), children: <Typography.Text code copyable style={{ wordBreak: 'break-all' }}>{probed.fingerprint}</Typography.Text> },
              { key: 'subject', label: t('start.subject'), children: probed.subject },
              { key: 'valid', label: t('start.validTo'), children: dayjs(probed.validTo).format('YYYY-MM-DD HH:mm') },
            ]} />
            <Alert type={probed.trusted ? 'info' : 'warning'} showIcon message={probed.trusted ? t('start.trusted') : t('start.untrusted')} />
          </Space>
        )}
      </Modal>
    </div>
  );
}
