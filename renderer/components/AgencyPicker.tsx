import { TreeSelect } from 'antd';
import { useContext, useMemo } from 'react';
import type { AgencyNode } from '../../api/contract';
import { useI18n } from '../i18n';
import { SessionContext } from '../lib/session';
import { agencyTree } from '../lib/tree';

/** Picks one agency from the province/city/county tree; empty means all the user may see (a county manager's: the county and below). */
export function AgencyPicker(props: { agencies: AgencyNode[]; value?: string | null; onChange?: (code: string | undefined) => void; width?: number }) {
  const { t } = useI18n();
  const tree = useMemo(() => agencyTree(props.agencies), [props.agencies]);
  const scope = useContext(SessionContext)?.agencyCode;
  const scopeName = scope ? props.agencies.find((a) => a.code === scope)?.name : undefined;
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
      placeholder={scopeName ? t('ledger.ownSubtree', { name: scopeName }) : t('ledger.allAgencies')}
      treeDefaultExpandedKeys={tree.map((n) => n.value)}
      popupMatchSelectWidth={360}
    />
  );
}
