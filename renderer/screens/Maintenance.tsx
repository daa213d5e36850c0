import { DatePicker, Segmented, Space } from 'antd';
import dayjs from 'dayjs';
import type { AgencyNode, DueKind } from '../../api/contract';
import type { CatalogItem } from '../../quotas/types';
import { useI18n } from '../i18n';
import { Ledger, type LedgerFilter } from './Ledger';

export const inDays = (n: number) => dayjs().add(n, 'day').format('YYYY-MM-DD');

/** 维护与检定: what falls due by a date; a row opens the asset, where the record is logged. */
export function Maintenance(props: { agencies: AgencyNode[]; catalog: CatalogItem[]; filter: LedgerFilter; onFilter: (f: LedgerFilter) => void }) {
  const { t } = useI18n();
  const due = props.filter.due ?? { kind: 'calibration' as DueKind, until: inDays(30) };
  const set = (d: Partial<typeof due>) => props.onFilter({ ...props.filter, due: { ...due, ...d } });
  return (
    <div style={{ display: 'flex', flexDirection: 'column', height: '100%', gap: 12 }}>
      <Space size={16}>
        <Segmented<DueKind>
          value={due.kind}
          onChange={(kind) => set({ kind })}
          options={(['calibration', 'maintenance', 'replacement'] as const).map((k) => ({ value: k, label: t(`due.${k}`) }))}
        />
        <span>{t('due.until')} <DatePicker allowClear={false} value={dayjs(due.until)} onChange={(d) => d && set({ until: d.format('YYYY-MM-DD') })} /></span>
      </Space>
      <div style={{ flex: 1, minHeight: 0 }}>
        <Ledger agencies={props.agencies} catalog={props.catalog} filter={{ ...props.filter, due }} onFilter={props.onFilter} />
      </div>
    </div>
  );
}
