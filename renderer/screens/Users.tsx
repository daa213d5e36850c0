import { PlusOutlined } from '@ant-design/icons';
import { App, Button, Form, Input, Modal, Select, Switch, Table, Tag } from 'antd';
import { useState } from 'react';
import type { AgencyNode, UserRow } from '../../api/contract';
import { ROLES } from '../../api/roles';
import { client } from '../api';
import { AgencyPicker } from '../components/AgencyPicker';
import { useI18n } from '../i18n';
import { showProblems } from '../lib/forms';
import { useClock } from '../lib/clock';
import { useApi } from '../lib/useApi';

type Editing = { mode: 'new' } | { mode: 'edit'; user: UserRow };

/** The administrator's list of users: role, the agency subtree each works in, active or not. */
export function Users({ agencies }: { agencies: AgencyNode[] }) {
  const { t } = useI18n();
  const { time } = useClock();
  const { message } = App.useApp();
  const users = useApi('users/list', {});
  const [editing, setEditing] = useState<Editing | null>(null);
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const names = new Map(agencies.map((a) => [a.code, a.name]));

  // The dialog's form mounts with what it starts from: calling the form before it mounts warns (and fails on a loaded machine).
  const open = (e: Editing) => setEditing(e);
  const initial = editing?.mode === 'edit' ? { ...editing.user, password: '' } : { role: 'manager', agencyCode: null, active: true };
  const save = async () => {
    const v = await form.validateFields();
    setBusy(true);
    try {
      const agencyCode = v.agencyCode ?? null;
      const saved = editing?.mode === 'edit'
        ? await client.call('users/update', { id: editing.user.id, displayName: v.displayName, role: v.role, agencyCode, active: v.active, password: v.password || null })
        : await client.call('users/create', { username: v.username, displayName: v.displayName, role: v.role, agencyCode, password: v.password });
      message.success(t('users.saved', { name: saved.username }));
      setEditing(null);
      users.reload();
    } catch (e) {
      const rest = showProblems(form, e);
      if (rest.length) message.error(rest.map((p) => p.message).join(';'));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
      <div><Button type="primary" icon={<PlusOutlined />} onClick={() => open({ mode: 'new' })} data-testid="user-new">{t('users.new')}</Button></div>
      <Table<UserRow>
        rowKey="id"
        size="small"
        loading={users.loading}
        dataSource={users.data}
        pagination={false}
        onRow={(u) => ({ onDoubleClick: () => open({ mode: 'edit', user: u }) })}
        columns={[
          { title: t('auth.username'), dataIndex: 'username', render: (v: string, u) => <a onClick={() => open({ mode: 'edit', user: u })}>{v}</a> },
          { title: t('auth.displayName'), dataIndex: 'displayName' },
          { title: t('users.role'), dataIndex: 'role', render: (r: UserRow['role']) => t(`role.${r}`) },
          { title: t('users.scope'), dataIndex: 'agencyCode', render: (c: string | null) => (c ? `${names.get(c) ?? ''}(${c})` : t('users.allAgencies')) },
          { title: t('users.active'), dataIndex: 'active', render: (a: boolean) => (a ? <Tag color="green">{t('users.active')}</Tag> : <Tag>{t('users.inactive')}</Tag>) },
          { title: t('backups.at'), dataIndex: 'createdAt', render: (v: string) => time(v).slice(0, 10) },
        ]}
      />
      <Modal open={editing !== null} title={t(editing?.mode === 'edit' ? 'users.edit' : 'users.new')} onCancel={() => setEditing(null)} onOk={save} confirmLoading={busy} okText={t('common.save')} cancelText={t('common.cancel')} destroyOnHidden>
        <Form form={form} layout="vertical" preserve={false} initialValues={initial}>
          <Form.Item name="username" label={t('auth.username')} rules={[{ required: true }]}>
            <Input disabled={editing?.mode === 'edit'} maxLength={50} />
          </Form.Item>
          <Form.Item name="displayName" label={t('auth.displayName')} rules={[{ required: true }]}>
            <Input maxLength={50} />
          </Form.Item>
          <Form.Item name="role" label={t('users.role')} rules={[{ required: true }]}>
            <Select options={ROLES.map((r) => ({ value: r, label: t(`role.${r}`) }))} />
          </Form.Item>
          <Form.Item name="agencyCode" label={t('users.scope')}>
            <AgencyPicker agencies={agencies} />
          </Form.Item>
          {editing?.mode === 'edit' && (
            <Form.Item name="active" label={t('users.active')} valuePropName="checked">
              <Switch />
            </Form.Item>
          )}
          <Form.Item name="password" label={editing?.mode === 'edit' ? t('users.resetPassword') : t('auth.password')} rules={editing?.mode === 'edit' ? [] : [{ required: true }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
