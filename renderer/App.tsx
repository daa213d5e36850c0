import {
  AccountBookOutlined, ApartmentOutlined, ScanOutlined, AuditOutlined, TrophyOutlined, DashboardOutlined, DeleteOutlined, DeploymentUnitOutlined, FileSearchOutlined, SafetyOutlined, TableOutlined, TeamOutlined, ToolOutlined, UserOutlined, FileExcelOutlined,
} from '@ant-design/icons';
import { Alert, App as AntApp, Button, Dropdown, Form, Input, Layout, Menu, Modal, Spin, Typography } from 'antd';
import { useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { localDate, startOfLocalDay } from '../lib/clock';
import { addDays } from '../lib/dates';
import type { SessionUser } from '../api/roles';
import { client, SIGNED_OUT } from './api';
import { showProblems } from './lib/forms';
import { forgetExportFormat, may, SessionContext } from './lib/session';
import { Audit } from './screens/Audit';
import { Backups } from './screens/Backups';
import { SignIn } from './screens/SignIn';
import { Users } from './screens/Users';
import { useI18n } from './i18n';
import { useApi } from './lib/useApi';
import { Compliance, type ComplianceView } from './screens/Compliance';
import { Agencies } from './screens/Agencies';
import { Disposals } from './screens/Disposals';
import { Dispatch } from './screens/Dispatch';
import { ImportWizard } from './screens/ImportWizard';
import { Maintenance } from './screens/Maintenance';
import { ClockContext, useClock } from './lib/clock';
import { Overview } from './screens/Overview';
import { Budget } from './screens/Budget';
import { Score } from './screens/Score';
import type { DueKind, OpName } from '../api/contract';
import { FirstRun } from './screens/FirstRun';
import { Ledger, type LedgerFilter } from './screens/Ledger';
import { Stocktake } from './screens/Stocktake';

type Screen = 'overview' | 'ledger' | 'maintenance' | 'compliance' | 'budget' | 'score' | 'disposals' | 'stocktake' | 'dispatch' | 'import' | 'agencies' | 'audit' | 'users' | 'backups';
const SCREENS: Screen[] = ['overview', 'ledger', 'maintenance', 'compliance', 'budget', 'score', 'disposals', 'stocktake', 'dispatch', 'import', 'agencies', 'audit', 'users', 'backups'];
const DUE_KINDS: DueKind[] = ['replacement', 'calibration', 'maintenance'];
const STARTED_KEY = 'eql.started';
/** The operation a screen is built on: a screen is offered, and can be landed on, only by those who may call it. */
const SCREEN_OP: Record<Screen, OpName> = {
  overview: 'overview/summary', ledger: 'assets/list', maintenance: 'assets/list', compliance: 'quotas/shortfall', budget: 'budget/request',
  score: 'score/card', disposals: 'disposals/list',
  stocktake: 'stocktakes/list', dispatch: 'tasks/list', import: 'imports/open', agencies: 'agencies/list',
  audit: 'audit/list', users: 'users/list', backups: 'backups/list',
};

/** The screen and filters in the address, or the overview when the address names a screen this user may not see. */
function readHash(user: SessionUser, today: string): { screen: Screen; filter: LedgerFilter } {
  const [path, search] = location.hash.replace(/^#\/?/, '').split('?');
  const p = new URLSearchParams(search);
  const screen = SCREENS.includes(path as Screen) && may(user, SCREEN_OP[path as Screen]) ? (path as Screen) : 'overview';
  if (screen !== path) return { screen, filter: {} };
  return {
    screen,
    filter: {
      agency: p.get('agency') ?? undefined,
      itemCode: p.get('item') ?? undefined,
      own: p.get('own') === '1' || undefined,
      quick: p.get('q') ?? undefined,
      due: DUE_KINDS.includes(p.get('due') as DueKind) ? { kind: p.get('due') as DueKind, until: p.get('until') ?? addDays(today, 30) } : undefined,
    },
  };
}

/** Signs the user in (or creates the first administrator), then shows the ledger; a lapsed session returns here. */
export function App() {
  const { t } = useI18n();
  const auth = useApi('auth/status', {});
  const [user, setUser] = useState<SessionUser | null>(null);
  const [expired, setExpired] = useState(false);
  // Who was signed in before a lapsed session: only they get their screen and filters back.
  const [lapsed, setLapsed] = useState<number | null>(null);
  useEffect(() => {
    if (auth.data) setUser(auth.data.user);
  }, [auth.data]);
  useEffect(() => {
    const out = () => setUser((u) => (u && (setExpired(true), setLapsed(u.id)), null));
    window.addEventListener(SIGNED_OUT, out);
    return () => window.removeEventListener(SIGNED_OUT, out);
  }, []);
  if (auth.error) return <Alert type="error" showIcon style={{ margin: 48 }} title={t('error')} description={auth.error.message} action={<Button onClick={() => location.reload()}>↻</Button>} />;
  if (!auth.data) return <Spin style={{ display: 'block', marginTop: 120 }} />;
  if (!user) {
    return <SignIn setup={!auth.data.hasUsers} notice={expired ? t('auth.expired') : undefined} onSignedIn={(u) => {
      if (u.id !== lapsed) forgetPlace();
      setExpired(false);
      setLapsed(null);
      setUser(u);
      auth.reload();
    }} />;
  }
  return (
    <SessionContext.Provider value={user}>
      <Workspace key={user.id} onSignOut={() => (forgetPlace(), forgetExportFormat(user), setLapsed(null), setUser(null), auth.reload())} />
    </SessionContext.Provider>
  );
}

/** Drops the screen, filters and selections in the address, so the next user starts on their own overview. */
function forgetPlace() {
  history.replaceState(null, '', `${location.pathname}${location.search}`);
}

/** The header's user menu: who is signed in, change password, sign out. */
function UserMenu({ onSignOut }: { onSignOut: () => void }) {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const user = useContext(SessionContext)!;
  const [changing, setChanging] = useState(false);
  const [form] = Form.useForm();
  const change = async () => {
    const v = await form.validateFields();
    try {
      await client.call('auth/changePassword', { current: v.current, next: v.next });
      message.success(t('auth.changed'));
      setChanging(false);
    } catch (e) {
      const rest = showProblems(form, e);
      if (rest.length) message.error(rest.map((p) => p.message).join(';'));
    }
  };
  return (
    <>
      <Dropdown menu={{
        items: [{ key: 'password', label: t('auth.changePassword') }, { key: 'logout', label: t('auth.logout'), danger: true }],
        onClick: async ({ key }) => {
          if (key === 'password') setChanging(true);
          else {
            await client.call('auth/logout', {});
            onSignOut();
          }
        },
      }}>
        <Button size="small" icon={<UserOutlined />} data-testid="user-menu">{user.displayName}({t(`role.${user.role}`)})</Button>
      </Dropdown>
      <Modal open={changing} title={t('auth.changePassword')} onOk={change} onCancel={() => setChanging(false)} okText={t('common.save')} cancelText={t('common.cancel')} destroyOnHidden>
        <Form form={form} layout="vertical" preserve={false}>
          <Form.Item name="current" label={t('auth.current')} rules={[{ required: true }]}><Input.Password autoComplete="current-password" /></Form.Item>
          <Form.Item name="next" label={t('auth.new')} rules={[{ required: true }, { min: 8 }]}><Input.Password autoComplete="new-password" /></Form.Item>
        </Form>
      </Modal>
    </>
  );
}

const MENU: [Screen, ReactNode][] = [
  ['overview', <DashboardOutlined />], ['ledger', <TableOutlined />], ['maintenance', <ToolOutlined />], ['compliance', <AuditOutlined />],
  ['budget', <AccountBookOutlined />], ['score', <TrophyOutlined />], ['disposals', <DeleteOutlined />], ['stocktake', <ScanOutlined />], ['dispatch', <DeploymentUnitOutlined />],
  ['import', <FileExcelOutlined />], ['agencies', <ApartmentOutlined />], ['audit', <FileSearchOutlined />], ['users', <TeamOutlined />],
  ['backups', <SafetyOutlined />],
];

/**
 * The server's clock every screen dates by. It is read once at sign-in and when the window comes
 * back into view (a laptop woken from sleep); in between, the server's instant is carried forward
 * by the time elapsed here, and the day turns over at the ledger's midnight. It is not polled, so
 * that an idle window still signs out after the idle time.
 */
function Workspace({ onSignOut }: { onSignOut: () => void }) {
  const { t } = useI18n();
  const clock = useApi('clock/now', {});
  const { reload } = clock;
  const [, turnDay] = useState(0);
  useEffect(() => {
    const back = () => document.visibilityState === 'visible' && reload();
    document.addEventListener('visibilitychange', back);
    return () => document.removeEventListener('visibilitychange', back);
  }, [reload]);
  const base = useMemo(() => (clock.data ? { at: Date.parse(clock.data.now), elapsed: performance.now(), timeZone: clock.data.timeZone } : null), [clock.data]);
  const serverNow = () => (base ? base.at + performance.now() - base.elapsed : 0);
  const today = base ? localDate(new Date(serverNow()), base.timeZone) : undefined;
  useEffect(() => {
    if (!base || !today) return;
    const wait = new Date(startOfLocalDay(addDays(today, 1), base.timeZone)).getTime() - serverNow() + 1_000;
    const timer = setTimeout(() => turnDay((n) => n + 1), Math.min(Math.max(wait, 1_000), 2 ** 31 - 1));
    return () => clearTimeout(timer);
  }, [base, today]);
  // The screens change only when the day (or the zone) does, not at every reading.
  const zone = base?.timeZone;
  const value = useMemo(() => (today && zone ? { now: new Date(serverNow()).toISOString(), today, timeZone: zone } : null), [today, zone]);
  if (clock.error && !clock.data) return <Alert type="error" showIcon style={{ margin: 48 }} title={t('error')} description={clock.error.message} action={<Button onClick={() => location.reload()}>↻</Button>} />;
  if (!value) return <Spin style={{ display: 'block', marginTop: 120 }} />;
  return (
    <ClockContext.Provider value={value}>
      <Screens onSignOut={onSignOut} />
    </ClockContext.Provider>
  );
}

function Screens({ onSignOut }: { onSignOut: () => void }) {
  const { t, lang, setLang } = useI18n();
  const { today, inDays } = useClock();
  const user = useContext(SessionContext)!;
  const status = useApi('ledger/status', {});
  const agencies = useApi('agencies/list', {});
  const catalog = useApi('catalog/list', {});
  const [{ screen, filter }, setRoute] = useState(() => readHash(user, today));
  // Which part of 配备达标 a card of the overview opens.
  const [complianceView, setComplianceView] = useState<ComplianceView>('matrix');
  const [visit, setVisit] = useState(0);
  const [started, setStarted] = useState(() => localStorage.getItem(STARTED_KEY) === '1');

  useEffect(() => {
    const p = new URLSearchParams();
    if (filter.agency) p.set('agency', filter.agency);
    if (filter.itemCode) p.set('item', filter.itemCode);
    if (filter.own) p.set('own', '1');
    if (filter.quick) p.set('q', filter.quick);
    if (filter.due) (p.set('due', filter.due.kind), p.set('until', filter.due.until));
    const hash = `#/${screen}${p.size ? `?${p}` : ''}`;
    if (location.hash !== hash) history.replaceState(null, '', hash);
  }, [screen, filter]);

  const drill = useCallback((agency: string, itemCode: string, subtree: boolean) => setRoute({ screen: 'ledger', filter: { agency, itemCode, own: !subtree || undefined } }), []);

  if (status.error || agencies.error) {
    return <Alert type="error" showIcon style={{ margin: 48 }} title={t('error')} description={(status.error ?? agencies.error)!.message} action={<Button onClick={() => location.reload()}>↻</Button>} />;
  }
  if (!status.data || !agencies.data || !catalog.data) return <Spin style={{ display: 'block', marginTop: 120 }} />;
  // The first-run choices (demo, workbook) are the administrator's; anyone else meets the empty ledger.
  if (status.data.agencies === 0 && !started && may(user, 'ledger/loadDemo')) {
    return (
      <FirstRun
        onReady={() => {
          localStorage.setItem(STARTED_KEY, '1');
          setStarted(true);
          status.reload();
          agencies.reload();
        }}
      />
    );
  }

  return (
    <Layout style={{ height: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 16, background: '#fff', borderBottom: '1px solid #f0f0f0', paddingInline: 20, height: 52, lineHeight: '52px' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('appTitle')}</Typography.Title>
        <Typography.Text type="secondary" style={{ flex: 1 }} ellipsis>{status.data.file}</Typography.Text>
        <UserMenu onSignOut={onSignOut} />
        <Button size="small" onClick={() => setLang(lang === 'zh-CN' ? 'en' : 'zh-CN')}>{t('language')}</Button>
      </Layout.Header>
      <Layout>
        <Layout.Sider width={172} theme="light" style={{ borderRight: '1px solid #f0f0f0' }}>
          <Menu
            mode="inline"
            selectedKeys={[screen]}
            onClick={(e) => (setVisit((v) => v + 1), setRoute((r) => ({ screen: e.key as Screen, filter: { agency: r.filter.agency } })))}
            items={MENU.filter(([key]) => may(user, SCREEN_OP[key])).map(([key, icon]) => ({ key, icon, label: t(`nav.${key}`) }))}
          />
        </Layout.Sider>
        {/* A menu item opens its screen afresh, as a click on 盘点 from a stocktake's page leads back to the list. */}
        <Layout.Content key={visit} style={{ padding: 16, overflow: 'hidden' }}>
          {screen === 'overview' && (
            <Overview
              agencies={agencies.data}
              agency={filter.agency}
              onAgency={(agency) => setRoute({ screen, filter: { agency } })}
              links={{
                toLedger: (agency) => setRoute({ screen: 'ledger', filter: { agency } }),
                toCompliance: () => (setComplianceView('matrix'), setRoute({ screen: 'compliance', filter })),
                toContracts: () => (setComplianceView('contracts'), setRoute({ screen: 'compliance', filter })),
                toDue: (kind, agency) => setRoute({ screen: 'maintenance', filter: { agency, due: { kind, until: kind === 'replacement' ? inDays(0) : inDays(30) } } }),
              }}
            />
          )}
          {screen === 'maintenance' && <Maintenance agencies={agencies.data} catalog={catalog.data} filter={filter} onFilter={(f) => setRoute({ screen, filter: f })} />}
          {screen === 'ledger' && <Ledger agencies={agencies.data} catalog={catalog.data} filter={filter} onFilter={(f) => setRoute({ screen, filter: f })} />}
          {screen === 'compliance' && <Compliance key={complianceView} agencies={agencies.data} onDrill={drill} initialView={complianceView} />}
          {screen === 'budget' && <Budget agencies={agencies.data} />}
          {screen === 'score' && <Score agencies={agencies.data} agency={filter.agency} />}
          {screen === 'disposals' && <Disposals />}
          {screen === 'stocktake' && <Stocktake agencies={agencies.data} catalog={catalog.data} />}
          {screen === 'dispatch' && <Dispatch agencies={agencies.data} catalog={catalog.data} />}
          {screen === 'import' && <ImportWizard agencies={agencies.data} catalog={catalog.data} onImported={agencies.reload} />}
          {screen === 'agencies' && <Agencies agencies={agencies.data} onChanged={agencies.reload} />}
          {screen === 'audit' && <Audit />}
          {screen === 'users' && <Users agencies={agencies.data} />}
          {screen === 'backups' && <Backups onRestored={onSignOut} />}
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
