import { AppstoreAddOutlined, DatabaseOutlined, FileExcelOutlined } from '@ant-design/icons';
import { Button, Card, Col, Row, Spin, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import type { Problem } from '../../lib/problems';
import { client } from '../api';
import { Problems } from '../components/Problems';
import { ImportButton } from '../components/ImportButton';
import { useI18n } from '../i18n';

/** Shown while the ledger is empty: start empty, import a workbook, or open the demo province. */
export function FirstRun({ onReady }: { onReady: () => void }) {
  const { t } = useI18n();
  const [loading, setLoading] = useState(false);
  const [problems, setProblems] = useState<Problem[]>([]);
  const demo = async () => {
    setLoading(true);
    try {
      await client.call('ledger/loadDemo', {});
      onReady();
    } catch (e) {
      setProblems(e instanceof ApiError ? e.problems : [{ message: (e as Error).message }]);
    } finally {
      setLoading(false);
    }
  };
  const choice = (icon: React.ReactNode, title: string, hint: string, action: React.ReactNode) => (
    <Col span={8}>
      <Card style={{ height: '100%' }} styles={{ body: { display: 'flex', flexDirection: 'column', gap: 12, height: '100%' } }}>
        <div style={{ fontSize: 32, color: '#1677ff' }}>{icon}</div>
        <Typography.Title level={5} style={{ margin: 0 }}>{title}</Typography.Title>
        <Typography.Text type="secondary" style={{ flex: 1 }}>{hint}</Typography.Text>
        {action}
      </Card>
    </Col>
  );
  return (
    <div style={{ maxWidth: 960, margin: '48px auto', padding: '0 24px' }}>
      <Spin spinning={loading} description={t('firstRun.loading')}>
        <Typography.Title level={3}>{t('firstRun.title')}</Typography.Title>
        <Typography.Paragraph>{t('firstRun.intro')}</Typography.Paragraph>
        <Row gutter={16} align="stretch">
          {choice(<DatabaseOutlined />, t('firstRun.empty'), t('firstRun.emptyHint'), <Button block onClick={onReady}>{t('firstRun.empty')}</Button>)}
          {choice(<FileExcelOutlined />, t('firstRun.import'), t('firstRun.importHint'), <ImportButton block onDone={onReady} onProblems={setProblems} />)}
          {choice(<AppstoreAddOutlined />, t('firstRun.demo'), t('firstRun.demoHint'), <Button type="primary" block onClick={demo} data-testid="open-demo">{t('firstRun.demo')}</Button>)}
        </Row>
        {problems.length > 0 && <div style={{ marginTop: 24 }}><Problems title={t('import.failed')} problems={problems} /></div>}
      </Spin>
    </div>
  );
}
