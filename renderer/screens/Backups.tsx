import { CloudDownloadOutlined, CloudUploadOutlined, SaveOutlined } from '@ant-design/icons';
import { Alert, App, Button, Descriptions, Modal, Space, Table, Typography } from 'antd';
import { useState } from 'react';
import type { BackupInfo, BackupPreview } from '../../api/contract';
import { client, pickFile, saveFile } from '../api';
import { useI18n } from '../i18n';
import { useClock } from '../lib/clock';
import { useApi } from '../lib/useApi';

const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/** The ledger's backups: take one, save one elsewhere, add one from a file, preview and restore. */
export function Backups({ onRestored }: { onRestored: () => void }) {
  const { t } = useI18n();
  const { time: local } = useClock();
  const { message, modal } = App.useApp();
  const list = useApi('backups/list', {});
  const [busy, setBusy] = useState<string | null>(null);
  const [preview, setPreview] = useState<BackupPreview | null>(null);

  const run = async (key: string, f: () => Promise<void>) => {
    setBusy(key);
    try {
      await f();
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(null);
    }
  };
  const restore = (b: BackupPreview) =>
    modal.confirm({
      title: t('backups.restore'),
      content: t('backups.restoreConfirm'),
      okButtonProps: { danger: true, id: 'restore-ok' },
      onOk: () => run('restore', async () => {
        const r = await client.call('backups/restore', { name: b.name });
        message.success(t('backups.restored', { name: r.restored, safety: r.safetyCopy }));
        setPreview(null);
        onRestored();
      }),
    });

  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      <Alert type="info" showIcon title={t('backups.hint')} />
      <Space>
        <Button type="primary" icon={<SaveOutlined />} loading={busy === 'create'} data-testid="backup-now" onClick={() => run('create', async () => {
          const b = await client.call('backups/create', {});
          message.success(t('backups.made', { name: b.name }));
          list.reload();
        })}>{t('backups.create')}</Button>
        <Button icon={<CloudUploadOutlined />} loading={busy === 'upload'} onClick={() => run('upload', async () => {
          const file = await pickFile('backup');
          if (!file) return;
          await client.call('backups/upload', { fileName: file.name, base64: file.base64 });
          list.reload();
        })}>{t('backups.upload')}</Button>
      </Space>
      <Table<BackupInfo>
        rowKey="name"
        size="small"
        loading={list.loading}
        dataSource={list.data}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        columns={[
          { title: t('backups.at'), dataIndex: 'at', width: 180, render: local },
          { title: t('backups.kind'), dataIndex: 'kind', width: 110, render: (k: BackupInfo['kind']) => t(`backups.kind.${k}`) },
          { title: t('backups.name'), dataIndex: 'name', ellipsis: true },
          { title: t('backups.size'), dataIndex: 'bytes', width: 100, align: 'right', render: mb },
          {
            key: 'actions', width: 220, render: (_, b) => (
              <Space>
                <Button size="small" data-testid={`preview-${b.name}`} loading={busy === `p-${b.name}`} onClick={() => run(`p-${b.name}`, async () => setPreview(await client.call('backups/preview', { name: b.name })))}>{t('backups.preview')}</Button>
                <Button size="small" icon={<CloudDownloadOutlined />} onClick={() => run(`d-${b.name}`, async () => void (await saveFile('backup', await client.call('backups/download', { name: b.name }))))}>{t('backups.download')}</Button>
              </Space>
            ),
          },
        ]}
      />
      <Modal open={preview !== null} title={t('backups.previewTitle')} onCancel={() => setPreview(null)} footer={[
        <Button key="cancel" onClick={() => setPreview(null)}>{t('common.cancel')}</Button>,
        <Button key="restore" danger type="primary" disabled={!preview?.integrityOk || !preview.admins} loading={busy === 'restore'} onClick={() => preview && restore(preview)} data-testid="restore">{t('backups.restore')}</Button>,
      ]}>
        {preview && (
          <Descriptions column={1} size="small" bordered>
            <Descriptions.Item label={t('backups.name')}>{preview.name}</Descriptions.Item>
            <Descriptions.Item label={t('backups.at')}>{local(preview.at)}</Descriptions.Item>
            <Descriptions.Item label={t('backups.integrity')}><Typography.Text type={preview.integrityOk ? 'success' : 'danger'} data-testid="backup-integrity">{preview.integrity}</Typography.Text></Descriptions.Item>
            <Descriptions.Item label={t('common.agencies')}>{preview.agencies.toLocaleString('zh-CN')}</Descriptions.Item>
            <Descriptions.Item label={t('common.assets')}>{preview.assets.toLocaleString('zh-CN')}</Descriptions.Item>
            <Descriptions.Item label={t('common.users')}>{preview.users}</Descriptions.Item>
            <Descriptions.Item label={t('backups.lastChange')}>{preview.lastChange ? `${local(preview.lastChange.at)} ${preview.lastChange.actor}` : '—'}</Descriptions.Item>
          </Descriptions>
        )}
      </Modal>
    </div>
  );
}
