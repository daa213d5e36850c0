import { DatePicker, Input, Select, Space, Table, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import type { AuditQuery, AuditRow } from '../../api/contract';
import { AUDIT_ACTIONS, AUDIT_ENTITIES, entityLabel, personName, type AuditWords } from '../../lib/changes';
import { ChangeText } from '../components/ChangeText';
import { ExportButton } from '../components/ExportButton';
import { useI18n } from '../i18n';
import { useClock } from '../lib/clock';
import { useApi } from '../lib/useApi';

const PAGE = 50;


/** Who changed what and when, newest first, filtered and exported as the user sees it. */
export function Audit() {
  const { t } = useI18n();
  const { time } = useClock();
  const [query, setQuery] = useState<AuditQuery>({});
  const [page, setPage] = useState(1);
  const list = useApi('audit/list', { query, startRow: (page - 1) * PAGE, endRow: page * PAGE });
  const filter = (q: AuditQuery) => (setQuery(q), setPage(1));
  const words: AuditWords = { people: list.data?.people };
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, height: '100%' }}>
      <Space wrap>
        <Input.Search allowClear placeholder={t('audit.actor')} style={{ width: 160 }} onSearch={(v) => filter({ ...query, actor: v.trim() || undefined })} data-testid="audit-actor" />
        <Select allowClear placeholder={t('audit.entity')} style={{ width: 140 }} value={query.entity} onChange={(v) => filter({ ...query, entity: v })} options={Object.entries(AUDIT_ENTITIES).map(([value, label]) => ({ value, label }))} />
        <Input.Search allowClear placeholder={t('audit.keyFilter')} style={{ width: 200 }} onSearch={(v) => filter({ ...query, key: v.trim() || undefined })} data-testid="audit-key" />
        <DatePicker.RangePicker onChange={(r) => filter({ ...query, from: (r?.[0] as Dayjs | null)?.format('YYYY-MM-DD'), to: (r?.[1] as Dayjs | null)?.format('YYYY-MM-DD') })} />
        <ExportButton testId="audit-export" op="audit/export" input={{ query }} />
        <Typography.Text type="secondary" data-testid="audit-count">{list.data ? t('audit.count', { n: list.data.total.toLocaleString('zh-CN') }) : ''}</Typography.Text>
      </Space>
      <Table<AuditRow>
        rowKey="id"
        size="small"
        loading={list.loading}
        dataSource={list.data?.rows}
        scroll={{ y: 'calc(100vh - 230px)' }}
        pagination={{ current: page, pageSize: PAGE, total: list.data?.total ?? 0, showSizeChanger: false, onChange: setPage }}
        columns={[
          { title: t('audit.when'), dataIndex: 'at', width: 160, render: (v: string) => time(v) },
          { title: t('audit.actor'), dataIndex: 'actor', width: 150, render: (a: string) => personName(a, words) },
          { title: t('audit.action'), dataIndex: 'action', width: 70, render: (a: string) => AUDIT_ACTIONS[a] ?? a },
          { title: t('audit.entity'), dataIndex: 'entity', width: 120, render: entityLabel },
          { title: t('audit.key'), dataIndex: 'entityKey', width: 170, ellipsis: true },
          { title: t('audit.change'), key: 'change', render: (_, e) => <ChangeText entity={e.entity} before={e.before} after={e.after} words={words} /> },
        ]}
      />
    </div>
  );
}
