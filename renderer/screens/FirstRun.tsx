import { AppstoreAddOutlined, DatabaseOutlined, FileExcelOutlined } from '@ant-design/icons';
import { Button, Row, Spin, Typography } from 'antd';
import { useState } from 'react';
import { ApiError } from '../../api/client';
import type { Problem } from '../../lib/problems';
import { client } from '../api';
import { ChoiceCard } from '../components/ChoiceCard';
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
  return (
    <div style={{ maxWidth: 960, margin: '48px auto', padding: '0 24px' }}>
      <Spin spinning={loading} description={t('firstRun.loading')}>
        <Typography.Title level={3}>{t('firstRun.title')}</Typography.Title>
        <Typography.Paragraph>{t('firstRun.intro')}</Typography.Paragraph>
        <Row gutter={16} align="stretch">
          <ChoiceCard span={8} icon={<DatabaseOutlined />} title={t('firstRun.empty')} hint={t('firstRun.emptyHint')}><Button block onClick={onReady}>{t('firstRun.empty')}</Button></ChoiceCard>
          <ChoiceCard span={8} icon={<FileExcelOutlined />} title={t('firstRun.import')} hint={t('firstRun.importHint')}><ImportButton block onDone={onReady} onProblems={setProblems} /></ChoiceCard>
          <ChoiceCard span={8} icon={<AppstoreAddOutlined />} title={t('firstRun.demo')} hint={t('firstRun.demoHint')}><Button type="primary" block onClick={demo} data-testid="open-demo">{t('firstRun.demo')}</Button></ChoiceCard>
        </Row>
        {problems.length > 0 && <div style={{ marginTop: 24 }}><Problems title={t('import.failed')} problems={problems} /></div>}
      </Spin>
    </div>
  );
}
