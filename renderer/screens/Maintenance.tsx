import { DatePicker, Segmented, Space } from 'antd';
import dayjs from 'dayjs';
import type { AgencyNode, DueKind } from '../../api/contract';
import type { CatalogItem } from '../../api/contract';
import { useState } from 'react';
import { ExportButton } from '../components/ExportButton';
import { useI18n } from '../i18n';
import { useClock } from '../lib/clock';
import { Ledger, type LedgerFilter } from './Ledger';

/** 维护与检定: what falls due by a date; a row opens the asset, where the record is logged. */
export function Maintenance(props: { agencies: AgencyNode[]; catalog: CatalogItem[]; filter: LedgerFilter; onFilter: (f: LedgerFilter) => void }) {
  const { t } = useI18n();
  const { today, inDays, year } = useClock();
  const due = props.filter.due ?? { kind: 'calibration' as DueKind, until: inDays(30) };
  const [logs, setLogs] = useState<[string, string]>(() => [`${year}-01-01`, today]);
  const set = (d: Partial<typeof due>) => props.onFilter({ ...props.filter, due: { ...due, ...d } });
  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100%', gap: 12 }}>
      <Space size={16} wrap>
        <Segmented<DueKind>
          value={due.kind}
          onChange={(kind) => set({ kind })}
          options={(['calibration', 'maintenance', 'replacement'] as const).map((k) => ({ value: k, label: t(`due.${k}`) }))}
        />
        <span>{t('due.until')} <DatePicker allowClear={false} value={dayjs(due.until)} onChange={(d) => d && set({ until: d.format('YYYY-MM-DD') })} /></span>
        <span>
          {t('maint.exportLogs')}{' '}
          <DatePicker.RangePicker allowClear={false} value={[dayjs(logs[0]), dayjs(logs[1])]} onChange={(r) => r?.[0] && r[1] && setLogs([r[0].format('YYYY-MM-DD'), r[1].format('YYYY-MM-DD')])} />
        </span>
        <ExportButton testId="export-maintenance" label={t('maint.exportMaintenance')} op="maintenance/export" input={{ from: logs[0], to: logs[1] }} />
        <ExportButton testId="export-calibrations" label={t('maint.exportCalibrations')} op="calibrations/export" input={{ from: logs[0], to: logs[1] }} />
      </Space>
      <div style={{ flex: 1, minHeight: 0 }}>
        <Ledger agencies={props.agencies} catalog={props.catalog} filter={{ ...props.filter, due }} onFilter={props.onFilter} />
      </div>
    </div>
  );
}
