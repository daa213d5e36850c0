import { TreeSelect } from 'antd';
import { useMemo } from 'react';
import type { AgencyNode } from '../../api/contract';
import { useI18n } from '../i18n';
import { agencyTree } from '../lib/tree';

/** Picks one agency from the province/city/county tree; empty means all agencies. */
export function AgencyPicker(props: { agencies: AgencyNode[]; value?: string | null; onChange?: (code: string | undefined) => void; width?: number }) {
  const { t } = useI18n();
  const tree = useMemo(() => agencyTree(props.agencies), [props.agencies]);
  return (
    <TreeSelect
      data-testid="agency-picker"
      style={{ width: props.width ?? 280 }}
      treeData={tree}
      value={props.value}
      onChange={(v) => props.onChange?.(v ?? undefined)}
      allowClear
      showSearch
      treeNodeFilterProp="title"
      placeholder={t('ledger.allAgencies')}
      treeDefaultExpandedKeys={tree.map((n) => n.value)}
      popupMatchSelectWidth={360}
    />
  );
}
