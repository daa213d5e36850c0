import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { machineClock } from './clock';
import { formatProblem, UserError } from '../lib/problems';
import { countUsers } from '../db/queries/users';
import { closeLedger, lockLedger, openLedger, restoreBeforeOpening } from './ledger';
import { scheduleDailyBackups, DEFAULT_KEEP } from './daily-backup';
import { machineHosts } from './hosts';
import { createHttpServer, listen } from './http';
import { DEFAULT_LEDGER_FILE, userDataDir } from './paths';
import { ownIdentity, readIdentity, type TlsIdentity } from './tls';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    port: { type: 'string', default: '5180' },
    host: { type: 'string', default: '127.0.0.1' },
    'session-minutes': { type: 'string', default: '30' },
    'keep-backups': { type: 'string', default: String(DEFAULT_KEEP) },
    restore: { type: 'string' },
    'allow-host': { type: 'string', multiple: true, default: [] },
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    'time-zone': { type: 'string' },
  },
});

// A request that fails in a way nobody caught is logged; it never takes the server (and every other user) down.
process.on('unhandledRejection', (e) => console.error('[未处理的异常]', e));

const fail = (e: unknown): never => {
  console.error(e instanceof UserError ? e.problems.map(formatProblem).join('\n') : e);
  process.exit(1);
};

let clock;
try {
  clock = machineClock(values['time-zone']);
} catch (e) {
  fail(e);
}
const file = resolve(values.db ?? join(userDataDir(), DEFAULT_LEDGER_FILE));
mkdirSync(dirname(file), { recursive: true });
let opened;
// The ledger's lock is held from before a restore until the ledger is open: no other program can
// have the file open while it is replaced, nor take it between the restore and the opening.
let release = () => {};
try {
  release = lockLedger(file);
  // The way out of a damaged ledger: put a named backup in its place before opening it.
  if (values.restore) {
    await restoreBeforeOpening(file, values.restore);
    console.log(`已用备份 ${values.restore} 替换台账文件`);
  }
  const idleMs = Number(values['session-minutes']) * 60_000;
  opened = openLedger(file, clock!, { sessions: { idleMs, maxMs: Math.max(idleMs, 12 * 3_600_000) } });
} catch (e) {
  fail(e);
} finally {
  release();
}
const { ledger, backup } = opened!;
if (backup) console.log(`数据库已升级,升级前的备份:${backup}`);

const loopback = ['127.0.0.1', 'localhost', '::1'].includes(values.host!);
if (!loopback && (await countUsers(ledger.store)) === 0) {
  console.error(`拒绝监听 ${values.host}:台账还没有用户,登录认证尚未启用。请先在本机(127.0.0.1)打开并创建系统管理员,再供局域网访问`);
  process.exit(2);
}

if (!!values['tls-cert'] !== !!values['tls-key']) fail(new UserError([{ message: '--tls-cert 与 --tls-key 须同时给出' }]));

// On the LAN the server speaks only HTTPS: the bureau's certificate, or its own one kept beside the ledger.
const hosts = loopback ? [] : machineHosts(values.host!, values['allow-host'] ?? []);
let identity: TlsIdentity | undefined;
if (!loopback) {
  try {
    identity = values['tls-cert']
      ? readIdentity(resolve(values['tls-cert']), resolve(values['tls-key']!))
      : await ownIdentity(join(dirname(file), 'tls'), ['localhost', '127.0.0.1', '::1', ...hosts], clock!.now());
  } catch (e) {
    fail(e);
  }
}

const server = createHttpServer(ledger, resolve(import.meta.dirname, '..', 'dist', 'renderer'), {
  lan: loopback ? undefined : { hosts },
  tls: identity,
});
const address = await listen(server, Number(values.port), values.host!);
const stopBackups = scheduleDailyBackups(ledger, Number(values['keep-backups']));
const shown = (h: string) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);
// Bound to every interface: the addresses other computers can use (not loopback, not link-local).
const urls = loopback || !['0.0.0.0', '::'].includes(values.host!) ? [shown(values.host!)] : hosts.filter((h) => !/^(127\.|\[::1\]|\[fe80:)/.test(h));
console.log(`执法装备台账已启动:${urls.map((h) => `${identity ? 'https' : 'http'}://${h}:${address.port}/`).join('  ')} (台账文件 ${file})`);
if (identity) {
  console.log(`${identity.created ? '已生成' : '使用'}证书 ${identity.certFile}`);
  console.log(`证书 SHA-256 指纹:${identity.fingerprint}`);
  console.log('首次从其他电脑打开时,浏览器会提示证书不受信任:请核对浏览器显示的 SHA-256 指纹与上面一致后再继续');
}

const stop = () => server.close(() => {
  stopBackups();
  closeLedger(ledger);
  process.exit(0);
});
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
