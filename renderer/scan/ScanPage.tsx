import { CameraOutlined, StopOutlined } from '@ant-design/icons';
import { Alert, Button, Input, Select, Space, Spin, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AgencyNode } from '../../api/contract';
import { ApiError } from '../../api/client';
import type { SessionUser } from '../../api/roles';
import type { ScanRow, ScanSource } from '../../lib/domain/stocktakes';
import { client, SIGNED_OUT } from '../api';
import { useI18n } from '../i18n';
import { SignIn } from '../screens/SignIn';
import { shortAgency, shortItem } from '../lib/format';
import { callStocktake, OUTCOME_COLORS, subtreeOf, useStocktakeApi } from '../lib/stocktakes';
import { dequeue, enqueue, newClientId, nextBatch, readQueue } from './queue';

const CHOSEN_KEY = 'eql.scan.stocktake';
/** A label held in front of the camera is read many times a second: the same code within this time is one scan. */
const SAME_CODE_MS = 3_000;
const RETRY_MS = 5_000;

/** A failure of the connection (the scan stays queued), not a refusal (the scan is dropped and the refusal shown). */
const unreachable = (e: unknown) => !navigator.onLine || (e instanceof ApiError && e.problems.every((p) => !p.code && p.message.startsWith('无法连接')));

type Shown = { kind: 'result'; row: ScanRow } | { kind: 'queued'; code: string } | { kind: 'error'; text: string };

/** The phone page `/scan`: signs in with the same session, then scans labels into a running stocktake. */
export function ScanApp() {
  const auth = useApiOnce();
  const [user, setUser] = useState<SessionUser | null>(null);
  useEffect(() => {
    if (auth.data) setUser(auth.data.user);
  }, [auth.data]);
  useEffect(() => {
    const out = () => setUser(null);
    window.addEventListener(SIGNED_OUT, out);
    return () => window.removeEventListener(SIGNED_OUT, out);
  }, []);
  if (auth.error) return <Alert type="error" showIcon style={{ margin: 16 }} title={auth.error} action={<Button onClick={() => location.reload()}>↻</Button>} />;
  if (!auth.data) return <Spin style={{ display: 'block', marginTop: 120 }} />;
  if (!user) return <SignIn setup={false} onSignedIn={setUser} />;
  return <Scanning user={user} />;
}

function useApiOnce() {
  const [state, setState] = useState<{ data?: { user: SessionUser | null }; error?: string }>({});
  useEffect(() => {
    client.call('auth/status', {}).then((data) => setState({ data }), (e: Error) => setState({ error: e.message }));
  }, []);
  return state;
}

function Scanning({ user }: { user: SessionUser }) {
  const { t } = useI18n();
  const running = useStocktakeApi('stocktakes/list', { status: 'counting' });
  const [agencies, setAgencies] = useState<AgencyNode[]>([]);
  useEffect(() => {
    client.call('agencies/list', {}).then(setAgencies, () => undefined);
  }, []);
  const [chosen, setChosen] = useState<number | undefined>(() => Number(localStorage.getItem(CHOSEN_KEY)) || undefined);
  const stocktake = running.data?.find((s) => s.id === chosen);
  const [atAgency, setAtAgency] = useState<string | undefined>();
  const [code, setCode] = useState('');
  const [shown, setShown] = useState<Shown | null>(null);
  const [waiting, setWaiting] = useState(() => readQueue().length);
  const [camera, setCamera] = useState<'off' | 'starting' | 'on'>('off');
  const [cameraError, setCameraError] = useState<string>();
  const video = useRef<HTMLVideoElement>(null);
  const sending = useRef(false);
  const place = useMemo(() => (stocktake ? subtreeOf(agencies, stocktake.agencyCode) : []), [agencies, stocktake]);

  /** Sends what is queued, oldest first, until the queue is empty or the connection fails. */
  const flush = useCallback(async () => {
    if (sending.current) return;
    sending.current = true;
    try {
      for (let batch = nextBatch(readQueue()); batch.length; batch = nextBatch(readQueue())) {
        const first = batch[0];
        try {
          const rows = await callStocktake('stocktakes/scan', {
            id: first.stocktakeId, scans: batch.map((s) => ({ code: s.code, clientId: s.clientId })), atAgency: first.atAgency, custodian: first.custodian, source: first.source,
          });
          dequeue(batch.map((s) => s.clientId));
          const row = rows[rows.length - 1];
          if (row) setShown({ kind: 'result', row });
        } catch (e) {
          if (unreachable(e)) break;
          // Refused (the stocktake closed meanwhile, a code too long): sending again would be refused again.
          dequeue(batch.map((s) => s.clientId));
          setShown({ kind: 'error', text: `${batch.map((s) => s.code).join('、')}:${(e as Error).message}` });
        }
      }
    } finally {
      sending.current = false;
      setWaiting(readQueue().length);
    }
  }, []);

  useEffect(() => {
    void flush();
    const timer = setInterval(() => void flush(), RETRY_MS);
    window.addEventListener('online', flush);
    return () => (clearInterval(timer), window.removeEventListener('online', flush));
  }, [flush]);

  const scan = useCallback((raw: string, source: ScanSource) => {
    const value = raw.trim();
    if (!value || !stocktake) return;
    enqueue({ stocktakeId: stocktake.id, code: value, clientId: newClientId(), atAgency, source });
    setWaiting(readQueue().length);
    if (!navigator.onLine) setShown({ kind: 'queued', code: value });
    else void flush().then(() => readQueue().some((s) => s.code === value) && setShown({ kind: 'queued', code: value }));
  }, [stocktake, atAgency, flush]);

  // The camera: frames are read a few times a second; the same label held in view counts once.
  const scanRef = useRef(scan);
  scanRef.current = scan;
  useEffect(() => {
    if (camera === 'off') return;
    let stream: MediaStream | undefined;
    let stopped = false;
    const seen = new Map<string, number>();
    (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
        if (stopped) return;
        const v = video.current!;
        v.srcObject = stream;
        await v.play();
        setCamera('on');
        const { frameReader } = await import('./camera');
        const read = await frameReader();
        while (!stopped) {
          const codes = await read(v).catch(() => [] as string[]);
          const now = performance.now();
          for (const c of codes) {
            if (now - (seen.get(c) ?? -Infinity) > SAME_CODE_MS) scanRef.current(c, 'camera');
            seen.set(c, now);
          }
          await new Promise((r) => setTimeout(r, 250));
        }
      } catch (e) {
        if (!stopped) (setCameraError(t('scan.cameraFailed', { why: (e as Error).message })), setCamera('off'));
      }
    })();
    return () => {
      stopped = true;
      stream?.getTracks().forEach((tr) => tr.stop());
    };
  }, [camera === 'off', t]);

  return (
    <div style={{ maxWidth: 480, margin: '0 auto', padding: 12, display: 'flex', flexDirection: 'column', gap: 12 }} data-testid="scan-page">
      <Space style={{ justifyContent: 'space-between', width: '100%' }}>
        <Typography.Title level={4} style={{ margin: 0 }}>{t('scan.title')}</Typography.Title>
        <Typography.Text type="secondary">{user.displayName}</Typography.Text>
      </Space>
      {running.error && <Alert type="error" showIcon title={running.error.message} action={<Button size="small" onClick={running.reload}>{t('st.retry')}</Button>} />}
      <label>
        <div>{t('scan.stocktake')}</div>
        <Select
          data-testid="scan-stocktake"
          style={{ width: '100%' }}
          size="large"
          loading={running.loading}
          value={stocktake?.id}
          placeholder={running.data && !running.data.length ? t('scan.noneRunning') : t('scan.choose')}
          notFoundContent={t('scan.noneRunning')}
          onChange={(v: number) => (localStorage.setItem(CHOSEN_KEY, String(v)), setChosen(v), setAtAgency(undefined))}
          options={(running.data ?? []).map((s) => ({ value: s.id, label: `${s.title} · ${shortAgency(s.agencyName)}` }))}
        />
      </label>
      {stocktake && (
        <>
          <label>
            <div>{t('st.foundAt')}</div>
            <Select
              data-testid="scan-at"
              style={{ width: '100%' }}
              size="large"
              allowClear
              showSearch
              optionFilterProp="label"
              value={atAgency}
              placeholder={shortAgency(stocktake.agencyName)}
              onChange={(v: string | undefined) => setAtAgency(v)}
              options={place.map((a) => ({ value: a.code, label: a.name }))}
            />
          </label>
          <video ref={video} muted playsInline style={{ width: '100%', maxHeight: 260, background: '#000', borderRadius: 6, display: camera === 'off' ? 'none' : 'block' }} data-testid="scan-video" />
          {camera === 'off'
            ? <Button size="large" icon={<CameraOutlined />} onClick={() => (setCameraError(undefined), setCamera('starting'))} data-testid="scan-camera" block>{t('scan.camera')}</Button>
            : <Button size="large" icon={<StopOutlined />} onClick={() => setCamera('off')} block>{t('scan.cameraOff')}</Button>}
          {cameraError && <Alert type="warning" showIcon title={cameraError} />}
          <Space.Compact style={{ width: '100%' }}>
            <Input
              size="large"
              data-testid="scan-code"
              value={code}
              maxLength={300}
              placeholder={t('scan.typed')}
              enterKeyHint="send"
              onChange={(e) => setCode(e.target.value)}
              onPressEnter={() => (scan(code, 'typed'), setCode(''))}
            />
            <Button size="large" type="primary" onClick={() => (scan(code, 'typed'), setCode(''))} data-testid="scan-submit">{t('st.scan')}</Button>
          </Space.Compact>
        </>
      )}
      <Outcome shown={shown} />
      {waiting > 0 && <Alert type="warning" showIcon data-testid="scan-waiting" title={t('scan.waiting', { n: waiting })} />}
    </div>
  );
}

const BACKGROUND: Record<string, string> = { green: '#f6ffed', orange: '#fff7e6', purple: '#f9f0ff', gold: '#fffbe6', red: '#fff1f0' };
const BORDER: Record<string, string> = { green: '#52c41a', orange: '#fa8c16', purple: '#722ed1', gold: '#faad14', red: '#f5222d' };

/** The last scan's outcome, large enough to read at arm's length. */
function Outcome({ shown }: { shown: Shown | null }) {
  const { t } = useI18n();
  if (!shown) return <Typography.Text type="secondary">{t('scan.hint')}</Typography.Text>;
  if (shown.kind === 'error') return <Alert type="error" showIcon data-testid="scan-result" title={shown.text} />;
  if (shown.kind === 'queued') {
    return (
      <div data-testid="scan-result" data-outcome="queued" style={{ border: '2px dashed #faad14', borderRadius: 8, padding: 16, textAlign: 'center' }}>
        <div style={{ fontSize: 26, fontWeight: 700 }}>{t('scan.queued')}</div>
        <div style={{ fontSize: 18 }}>{shown.code}</div>
      </div>
    );
  }
  const { row } = shown;
  const color = OUTCOME_COLORS[row.outcome];
  return (
    <div data-testid="scan-result" data-outcome={row.outcome} style={{ background: BACKGROUND[color], border: `2px solid ${BORDER[color]}`, borderRadius: 8, padding: 16, textAlign: 'center' }}>
      <div style={{ fontSize: 30, fontWeight: 700, color: BORDER[color] }}>{t(`st.outcome.${row.outcome}`)}</div>
      <div style={{ fontSize: 20, wordBreak: 'break-all' }}>{row.assetTag ?? row.code}</div>
      {row.itemName && <div style={{ fontSize: 16 }}>{shortItem(row.itemName)}</div>}
      <Tag style={{ marginTop: 6 }}>{shortAgency(row.agencyName)}</Tag>
    </div>
  );
}
