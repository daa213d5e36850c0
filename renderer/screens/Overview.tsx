import { Card, Col, Row, Statistic, Table, Typography } from 'antd';
import type { AgencyNode, DueKind } from '../../api/contract';
import { AgencyPicker } from '../components/AgencyPicker';
import { ChartCard, type ChartSpec } from '../components/Chart';
import { useI18n } from '../i18n';
import { useApi } from '../lib/useApi';
import { yuan } from '../lib/format';

const AGE: ChartSpec = { category: 'bin', series: ['count'] };
const KM: ChartSpec = { category: 'bin', series: ['count'], colors: ['#13a8a8'] };
const CALIBRATION: ChartSpec = { category: 'month', series: ['count'], colors: ['#722ed1'] };
const BUDGET: ChartSpec = { category: 'year', series: ['shortfall', 'replace'], colors: ['#cf1322', '#fa8c16'] };

export interface OverviewLinks {
  toLedger: (agency?: string) => void;
  toCompliance: () => void;
  toDue: (kind: DueKind, agency?: string) => void;
  toContracts: () => void;
}

/** 总览: the figures that matter, each opening the list behind it. */
export function Overview({ agencies, agency, onAgency, links }: { agencies: AgencyNode[]; agency?: string; onAgency: (a?: string) => void; links: OverviewLinks }) {
  const { t } = useI18n();
  const o = useApi('overview/summary', agency ? { agency } : {});
  const charts = useApi('charts/data', agency ? { agency } : {});
  const chart = (name: 'vehicleAge' | 'odometer' | 'calibration' | 'budgetByYear', spec: ChartSpec) => (
    <Col span={12}>
      <ChartCard testId={`chart-${name}`} table={charts.data?.[name]} spec={spec} exportFile={{ op: 'charts/export', input: { chart: name, agency } }} />
    </Col>
  );
  const d = o.data;
  const held = d ? d.byStatus.in_service + d.byStatus.under_repair + d.byStatus.idle : 0;
  // A seventh card, while contracts fall due, makes rows of four.
  const span = d?.contractsEnding ? 6 : 8;
  const card = (testId: string, title: string, value: number | string, hint: string, onClick: () => void, danger = false) => (
    <Col span={span}>
      <Card hoverable onClick={onClick} data-testid={testId} loading={!d}>
        <Statistic title={title} value={value} styles={{ content: danger ? { color: '#cf1322' } : undefined }} />
        <Typography.Text type="secondary">{hint}</Typography.Text>
      </Card>
    </Col>
  );
  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 16, height: '100%', overflow: 'auto' }}>
      <div>{t('ov.scope')}: <AgencyPicker agencies={agencies} value={agency} onChange={onAgency} /></div>
      <Row gutter={[16, 16]}>
        {card('ov-assets', t('ov.assets'), held, d ? `${t('ov.assetsHint', { a: d.byStatus.in_service, b: d.byStatus.under_repair, c: d.byStatus.idle })} · ${t('ov.bookValue', { v: yuan(d.bookValueFen) })}` : '', () => links.toLedger(agency))}
        {card('ov-below', t('ov.below'), d?.agenciesBelowStandard ?? 0, t('ov.belowHint', { n: d?.agencies ?? 0 }), links.toCompliance, (d?.agenciesBelowStandard ?? 0) > 0)}
        {card('ov-shortfall', t('ov.shortfall'), d?.shortfallUnits ?? 0, t('ov.shortfallHint', { rules: d?.ruleSetName ?? '' }), links.toCompliance, (d?.shortfallUnits ?? 0) > 0)}
        {card('ov-vehicles', t('ov.replacementDue'), d?.replacementDue ?? 0, t('ov.replacementDueHint', { v: d?.vehiclesDue ?? 0, n: d?.vehicles ?? 0 }), () => links.toDue('replacement', agency))}
        {card('ov-calibrations', t('ov.calibrations'), d?.calibrationsExpiring ?? 0, t('ov.calibrationsHint'), () => links.toDue('calibration', agency))}
        {card('ov-maintenance', t('ov.maintenance'), d?.maintenanceDue ?? 0, t('ov.maintenanceHint'), () => links.toDue('maintenance', agency))}
        {!!d?.contractsEnding && card('ov-contracts', t('ov.contracts'), d.contractsEnding, t('ov.contractsHint'), links.toContracts, true)}
      </Row>
      <Row gutter={[16, 16]}>
        {chart('vehicleAge', AGE)}
        {chart('odometer', KM)}
        {chart('calibration', CALIBRATION)}
        {chart('budgetByYear', BUDGET)}
      </Row>
      <Card title={t('ov.worst')} size="small">
        <Table
          size="small"
          rowKey="agency"
          pagination={false}
          dataSource={d?.worst ?? []}
          onRow={(r) => ({ onClick: () => links.toLedger(r.agency), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('compliance.agency'), dataIndex: 'name' },
            { title: t('compliance.totalShortfall'), dataIndex: 'shortfall', width: 120, align: 'right' },
          ]}
        />
      </Card>
    </div>
  );
}
