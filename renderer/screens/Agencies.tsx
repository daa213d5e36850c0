import { PlusOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, Col, Descriptions, Form, Input, InputNumber, Row, Select, Tree, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import type { AgencyFields, AgencyNode } from '../../api/contract';
import { formatProblem, type Problem } from '../../lib/problems';
import { client } from '../api';
import { useI18n } from '../i18n';
import { useMay } from '../lib/session';
import { blanksToNull, inRange, notNegative, showProblems } from '../lib/forms';
import { agencyTree, type TreeOption } from '../lib/tree';

type Draft = AgencyFields & { code?: string; level?: AgencyNode['level']; parentCode?: string | null };

const NEXT_LEVEL: Record<AgencyNode['level'], AgencyNode['level']> = { province: 'city', city: 'county', county: 'county' };

function filterTree(nodes: TreeOption[], q: string): TreeOption[] {
  if (!q) return nodes;
  return nodes.flatMap((n) => {
    const children = filterTree(n.children, q);
    return n.title.includes(q) || n.value.includes(q) || children.length ? [{ ...n, children }] : [];
  });
}

/** 机构: the province/city/county tree; edit an agency's staff, offices and coordinates, or add one below it. */
export function Agencies({ agencies, onChanged }: { agencies: AgencyNode[]; onChanged: () => void }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [selected, setSelected] = useState<string | undefined>(agencies[0]?.code);
  const [adding, setAdding] = useState(false);
  const mayCreate = useMay('agencies/create');
  const mayUpdate = useMay('agencies/update');
  const [query, setQuery] = useState('');
  const [problems, setProblems] = useState<Problem[]>([]);
  const [form] = Form.useForm<Draft>();
  const tree = useMemo(() => filterTree(agencyTree(agencies), query), [agencies, query]);
  const [expanded, setExpanded] = useState<string[]>(() => agencies.filter((a) => a.level === 'province').map((a) => a.code));
  const allKeys = (nodes: TreeOption[]): string[] => nodes.flatMap((n) => (n.children.length ? [n.value, ...allKeys(n.children)] : []));
  const current = agencies.find((a) => a.code === selected);

  const initial: Draft | undefined = adding
    ? { name: '', staff: 0, authorizedPosts: null, offices: 1, longitude: null, latitude: null, code: '', level: current ? NEXT_LEVEL[current.level] : 'province', parentCode: current?.code ?? null }
    : current && { name: current.name, staff: current.staff, authorizedPosts: current.authorizedPosts, offices: current.offices, longitude: current.longitude, latitude: current.latitude };

  const save = async (values: Draft) => {
    setProblems([]);
    try {
      const { code, level, parentCode, ...fields } = blanksToNull({ ...initial, ...values }) as Draft;
      if (adding) {
        const created = await client.call('agencies/create', { ...fields, code: code!, level: level!, parentCode: parentCode ?? null });
        setAdding(false);
        setSelected(created.code);
      } else {
        await client.call('agencies/update', { code: current!.code, fields });
      }
      message.success(t('asset.saved'));
      onChanged();
    } catch (e) {
      setProblems(showProblems(form, e));
    }
  };

  // The form store outlives a selection: start each agency (or a new one) from its own values.
  useEffect(() => form.resetFields(), [form, selected, adding, agencies]);

  const level = Form.useWatch('level', form) ?? current?.level;
  const staff = Form.useWatch('staff', form) ?? 0;
  const offices = Form.useWatch('offices', form) ?? 0;

  return (
    <Row gutter={16} style={{ height: '100%' }}>
      <Col span={9} style={{ height: '100%', display: 'flex', flexDirection: 'column', gap: 8 }}>
        <Input.Search
          placeholder={t('ag.search')}
          allowClear
          onChange={(e) => {
            const q = e.target.value.trim();
            setQuery(q);
            if (q) setExpanded(allKeys(filterTree(agencyTree(agencies), q)));
          }}
        />
        <div style={{ flex: 1, overflow: 'auto', background: '#fff', border: '1px solid #f0f0f0', borderRadius: 4, padding: 8 }}>
          <Tree
            data-testid="agency-tree"
            treeData={tree.map(function toNode(n): { key: string; title: string; children: ReturnType<typeof toNode>[] } { return { key: n.value, title: n.title, children: n.children.map(toNode) }; })}
            selectedKeys={selected ? [selected] : []}
            expandedKeys={expanded}
            onExpand={(keys) => setExpanded(keys.map(String))}
            onSelect={(keys) => {
              if (keys[0]) {
                setSelected(String(keys[0]));
                setAdding(false);
                setProblems([]);
              }
            }}
          />
        </div>
      </Col>
      <Col span={15} style={{ height: '100%', overflow: 'auto' }}>
        {initial && (
          <Card
            title={adding ? (current ? t('ag.newTitle', { parent: current.name }) : t('ag.newRoot')) : current?.name}
            extra={!adding && mayCreate && <Button icon={<PlusOutlined />} onClick={() => setAdding(true)} disabled={current?.level === 'county'}>{t('ag.addChild')}</Button>}
          >
            {!adding && current && (
              <Descriptions size="small" column={3} style={{ marginBottom: 16 }} items={[
                { label: t('ag.code'), children: current.code },
                { label: t('ag.level'), children: t(`level.${current.level}`) },
                { label: t('ag.parent'), children: agencies.find((a) => a.code === current.parentCode)?.name ?? '—' },
              ]} />
            )}
            <Form form={form} layout="vertical" disabled={!(adding ? mayCreate : mayUpdate)} initialValues={initial} onFinish={save} data-testid="agency-form">
              <Row gutter={12}>
                {adding && (
                  <>
                    <Col span={8}><Form.Item name="code" label={t('ag.code')} rules={[{ required: true, whitespace: true }]}><Input maxLength={50} /></Form.Item></Col>
                    <Col span={8}>
                      <Form.Item name="level" label={t('ag.level')}>
                        <Select options={(['province', 'city', 'county'] as const).map((l) => ({ value: l, label: t(`level.${l}`) }))} />
                      </Form.Item>
                    </Col>
                  </>
                )}
                <Col span={24}><Form.Item name="name" label={t('ag.name')} rules={[{ required: true, whitespace: true }]}><Input maxLength={100} /></Form.Item></Col>
                <Col span={8}><Form.Item name="staff" label={t('ag.staff')} rules={[{ required: true }, notNegative(t, t('ag.staff'))]}><InputNumber precision={0} style={{ width: '100%' }} /></Form.Item></Col>
                <Col span={8}><Form.Item name="authorizedPosts" label={t('ag.posts')} rules={[notNegative(t, t('ag.posts'))]}><InputNumber precision={0} style={{ width: '100%' }} /></Form.Item></Col>
                <Col span={8}><Form.Item name="offices" label={t('ag.offices')} rules={[{ required: true }, notNegative(t, t('ag.offices'))]}><InputNumber precision={0} style={{ width: '100%' }} /></Form.Item></Col>
                <Col span={8}><Form.Item name="longitude" label={t('ag.lon')} rules={[inRange(t, t('ag.lon'), -180, 180)]}><InputNumber step={0.0001} style={{ width: '100%' }} /></Form.Item></Col>
                <Col span={8}><Form.Item name="latitude" label={t('ag.lat')} rules={[inRange(t, t('ag.lat'), -90, 90)]}><InputNumber step={0.0001} style={{ width: '100%' }} /></Form.Item></Col>
              </Row>
              {level && (
                <Typography.Paragraph type="secondary">
                  {t('ag.requirement', { v: Math.ceil(staff / 5), t: staff, f: offices })}
                </Typography.Paragraph>
              )}
              {problems.length > 0 && <Alert type="error" showIcon style={{ marginBottom: 12 }} title={problems.map(formatProblem).join('\n')} />}
              {(adding ? mayCreate : mayUpdate) && <Button type="primary" htmlType="submit" data-testid="agency-save">{t('asset.save')}</Button>}
            </Form>
          </Card>
        )}
      </Col>
    </Row>
  );
}
