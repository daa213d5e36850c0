import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { useState } from 'react';
import type { SessionUser } from '../../api/roles';
import { client } from '../api';
import { useI18n } from '../i18n';
import { showProblems } from '../lib/forms';

/** The first administrator's account on a new ledger, or signing in to one that has users. */
export function SignIn({ setup, notice, onSignedIn }: { setup: boolean; notice?: string; onSignedIn: (u: SessionUser) => void }) {
  const { t } = useI18n();
  const [form] = Form.useForm();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const submit = async (v: { username: string; displayName?: string; password: string }) => {
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(setup
        ? await client.call('auth/setup', { username: v.username, displayName: v.displayName!, password: v.password })
        : await client.call('auth/login', { username: v.username, password: v.password }));
    } catch (e) {
      const rest = showProblems(form, e);
      if (rest.length) setError(rest.map((p) => p.message).join(';'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: '#f5f7fa' }}>
      <Card style={{ width: 420 }} data-testid={setup ? 'setup' : 'login'}>
        <Typography.Title level={4}>{t(setup ? 'auth.setupTitle' : 'auth.loginTitle')}</Typography.Title>
        {setup && <Typography.Paragraph type="secondary">{t('auth.setupIntro')}</Typography.Paragraph>}
        {notice && !setup && <Alert type="info" showIcon title={notice} style={{ marginBottom: 16 }} />}
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} />}
        <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="username" label={t('auth.username')} rules={[{ required: true }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" maxLength={50} autoFocus />
          </Form.Item>
          {setup && (
            <Form.Item name="displayName" label={t('auth.displayName')} rules={[{ required: true }]}>
              <Input maxLength={50} />
            </Form.Item>
          )}
          <Form.Item name="password" label={t('auth.password')} rules={[{ required: true }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete={setup ? 'new-password' : 'current-password'} />
          </Form.Item>
          {setup && (
            <Form.Item
              name="confirm"
              label={t('auth.confirm')}
              dependencies={['password']}
              rules={[({ getFieldValue }) => ({ validator: (_, v) => (v === getFieldValue('password') ? Promise.resolve() : Promise.reject(new Error(t('auth.mismatch')))) })]}
            >
              <Input.Password autoComplete="new-password" />
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" block loading={busy} data-testid="sign-in">{t(setup ? 'auth.create' : 'auth.login')}</Button>
        </Form>
      </Card>
    </div>
  );
}
