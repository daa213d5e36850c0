import { CalculatorOutlined, CheckCircleFilled, CloseCircleFilled, SaveOutlined } from '@ant-design/icons';
import { App, Button, Card, Checkbox, Col, Empty, InputNumber, Progress, Row, Select, Space, Statistic, Table, Tag, Typography } from 'antd';
import { useContext, useEffect, useState } from 'react';
import type { AgencyNode, RaiseResult, ScoreResult } from '../../api/contract';
import { localDate } from '../../lib/clock';
import { fenToYuan, yuanToFen } from '../../lib/money';
import type { Checklist, ScoreSource } from '../../api/contract';
import { client } from '../api';
import { AgencyPicker } from '../components/AgencyPicker';
import { ExportButton } from '../components/ExportButton';
import { useI18n } from '../i18n';
import { yuan } from '../lib/format';
import { useClock } from '../lib/clock';
import { SessionContext, useMay } from '../lib/session';
import { useApi } from '../lib/useApi';

const SOURCE_COLOR: Record<ScoreSource, string> = { ledger: 'blue', checklist: 'gold', 'ledger+checklist': 'cyan', none: 'default' };
const CHECKS: { key: Exclude<keyof Checklist, 'localDevices'>; no: number }[] = [
  { key: 'plan', no: 1 }, { key: 'finance', no: 2 }, { key: 'budget', no: 3 }, { key: 'database', no: 9 }, { key: 'dispatchSystem', no: 10 },
  { key: 'trainingOwn', no: 11 }, { key: 'trainingHigher', no: 11 }, { key: 'usageLedger', no: 12 }, { key: 'custodian', no: 12 }, { key: 'disposalRules', no: 13 },
];

/** 装备评分: an agency's Zhejiang equipment score card, the checklist behind the items the ledger cannot prove, and what a budget would add. */
export function Score({ agencies, agency: initial }: { agencies: AgencyNode[]; agency?: string }) {
  const { t } = useI18n();
  const user = useContext(SessionContext)!;
  const mayChecklist = useMay('score/saveChecklist');
  const [agency, setAgency] = useState<string | undefined>(initial ?? user.agencyCode ?? agencies.find((a) => a.level === 'county')?.code);
  // The score is of the calendar year under way, December included (the year's own assessment), unlike the budget.
  const THIS_YEAR = useClock().year;
  const [year, setYear] = useState(THIS_YEAR);
  const card = useApi('score/card', { agency: agency ?? '', year }, agency !== undefined);
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 12, height: '100%', overflow: 'auto' }}>
      <Space wrap size={16}>
        <span>{t('score.agency')}: <AgencyPicker agencies={agencies} value={agency} onChange={setAgency} width={360} /></span>
        <span>{t('budget.year')}: <Select style={{ width: 100 }} value={year} onChange={setYear} options={[THIS_YEAR - 1, THIS_YEAR, THIS_YEAR + 1].map((y) => ({ value: y, label: `${y} 年` }))} /></span>
        {agency && <ExportButton testId="score-export" op="score/export" input={{ agency, year }} />}
        <Typography.Text type="secondary">{t('score.basis')}</Typography.Text>
      </Space>
      {!agency && <Empty description={t('score.pick')} />}
      {card.error && <Typography.Text type="danger">{card.error.message}</Typography.Text>}
      {agency && card.data && <ScoreCardView s={card.data} onSaved={card.reload} editable={mayChecklist} />}
    </div>
  );
}

function ScoreCardView({ s, onSaved, editable }: { s: ScoreResult; onSaved: () => void; editable: boolean }) {
  const { t } = useI18n();
  return (
    <>
      <Row gutter={16}>
        <Col span={6}>
          <Card size="small" data-testid="score-total">
            <Statistic title={t('score.total', { name: s.agencyName })} value={s.total} suffix="/ 100" />
            <Space style={{ marginTop: 4 }}>
              {s.passed ? <Tag icon={<CheckCircleFilled />} color="success">{t('score.passed')}</Tag> : <Tag icon={<CloseCircleFilled />} color="error">{t('score.failed')}</Tag>}
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('score.converted', { n: s.converted })}</Typography.Text>
            </Space>
          </Card>
        </Col>
        {s.categories.map((c) => (
          <Col span={6} key={c.no}>
            <Card size="small">
              <Typography.Text>{c.name}</Typography.Text>
              <Progress percent={Math.round((c.points / c.max) * 100)} format={() => `${c.points} / ${c.max}`} status={c.above80 ? 'success' : 'exception'} />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>{c.above80 ? t('score.above80') : t('score.below80', { n: c.max * 0.8 })}</Typography.Text>
            </Card>
          </Col>
        ))}
      </Row>
      <Row gutter={16}>
        <Col span={16}>
          <Table
            size="small" rowKey="no" pagination={false} dataSource={s.items} data-testid="score-items" bordered
            columns={[
              { title: t('score.no'), dataIndex: 'no', width: 48, align: 'center' },
              { title: t('score.item'), dataIndex: 'title', width: 230 },
              { title: t('score.points'), key: 'points', width: 80, align: 'center', render: (_, i) => <b style={{ color: i.points === i.max ? '#389e0d' : i.points === 0 ? '#cf1322' : '#d48806' }}>{i.points} / {i.max}</b> },
              { title: t('score.why'), dataIndex: 'why' },
              { title: t('score.source'), dataIndex: 'source', width: 90, render: (v: ScoreSource) => <Tag color={SOURCE_COLOR[v]}>{t(`score.src.${v}`)}</Tag> },
            ]}
          />
        </Col>
        <Col span={8} style={{ display: 'flex', flexDirection: 'column', gap: 12 }}>
          <ChecklistCard s={s} onSaved={onSaved} editable={editable} />
          <RaiseCard s={s} />
        </Col>
      </Row>
    </>
  );
}

function ChecklistCard({ s, onSaved, editable }: { s: ScoreResult; onSaved: () => void; editable: boolean }) {
  const { t } = useI18n();
  const { timeZone } = useClock();
  const { message } = App.useApp();
  const [answers, setAnswers] = useState<Checklist>(s.checklist);
  useEffect(() => setAnswers(s.checklist), [s.checklist]);
  const dirty = JSON.stringify(answers) !== JSON.stringify(s.checklist);
  const save = async () => {
    try {
      await client.call('score/saveChecklist', { agency: s.agency, year: s.year, answers });
      message.success(t('common.saved'));
      onSaved();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  return (
    <Card size="small" title={t('score.checklist', { year: s.year })} data-testid="score-checklist"
      extra={editable && <Button size="small" type="primary" icon={<SaveOutlined />} disabled={!dirty} onClick={save} data-testid="checklist-save">{t('common.save')}</Button>}>
      <Space orientation="vertical" size={4} style={{ width: '100%' }}>
        {CHECKS.map(({ key, no }) => (
          <Checkbox key={key} disabled={!editable} checked={!!answers[key]} onChange={(e) => setAnswers({ ...answers, [key]: e.target.checked })} data-testid={`check-${key}`}>
            <Typography.Text type="secondary">{no}.</Typography.Text> {t(`score.check.${key}`)}
          </Checkbox>
        ))}
        <div>{t('score.localDevices')}</div>
        <Select mode="tags" disabled={!editable} style={{ width: '100%' }} value={answers.localDevices ?? []} onChange={(v: string[]) => setAnswers({ ...answers, localDevices: v })}
          placeholder={t('score.localDevicesHint')} tokenSeparators={[',', ',', '、']} data-testid="local-devices" />
        {s.checklistBy && <Typography.Text type="secondary" style={{ fontSize: 12 }}>{t('score.checklistBy', { who: s.checklistBy.actor, at: localDate(s.checklistBy.at, timeZone) })}</Typography.Text>}
      </Space>
    </Card>
  );
}

function RaiseCard({ s }: { s: ScoreResult }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [wan, setWan] = useState(50);
  const [busy, setBusy] = useState(false);
  const [r, setR] = useState<RaiseResult>();
  useEffect(() => setR(undefined), [s.agency, s.year]);
  const run = async () => {
    setBusy(true);
    try {
      setR(await client.call('score/raise', { agency: s.agency, year: s.year, budgetFen: yuanToFen(wan * 10_000) }));
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card size="small" title={t('score.raise')} data-testid="score-raise">
      <Space>
        <InputNumber value={wan} status={wan < 0 ? 'error' : undefined} onChange={(v) => setWan(v ?? 0)} suffix="万元" style={{ width: 160 }} data-testid="raise-budget" />
        <Button icon={<CalculatorOutlined />} loading={busy} onClick={run} data-testid="raise-run">{t('score.raiseRun')}</Button>
      </Space>
      {r && (
        <div style={{ marginTop: 8 }}>
          <Typography.Paragraph style={{ marginBottom: 4 }} data-testid="raise-summary">
            {t('score.raiseSummary', { before: r.before, after: r.after, cost: (fenToYuan(r.costFen) / 10_000).toFixed(2) })}
          </Typography.Paragraph>
          <Table size="small" rowKey="item" pagination={false} dataSource={r.purchases}
            columns={[
              { title: t('score.no'), dataIndex: 'scoreItem', width: 48, align: 'center' },
              { title: t('budget.itemName'), dataIndex: 'itemName', ellipsis: true },
              { title: t('budget.quantity'), key: 'q', width: 64, align: 'right', render: (_, p) => `${p.quantity} ${p.unit}` },
              { title: t('budget.amount'), dataIndex: 'amountFen', width: 110, align: 'right', render: (v: number) => yuan(v) },
            ]}
          />
        </div>
      )}
    </Card>
  );
}
