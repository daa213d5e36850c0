import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { machineClock } from './clock';
import { formatProblem, UserError } from '../lib/problems';
import { countUsers } from '../db/queries/users';
import type { Ledger } from './context';
import { closeLedger, lockLedger, openLedger, openProvincialLedger, restoreBeforeOpening } from './ledger';
import { scheduleDailyBackups, DEFAULT_KEEP } from './daily-backup';
import { machineHosts } from './hosts';
import { createHttpServer, listen } from './http';
import { DEFAULT_LEDGER_FILE, userDataDir } from './paths';
import { ownIdentity, readIdentity, type TlsIdentity } from './tls';

export const SERVE_USAGE = `eql serve [--db 台账文件 | --database postgres://用户:密码@主机:端口/库名] [--port 5180] [--host 127.0.0.1]
          [--allow-host 名称]… [--tls-cert 证书.pem --tls-key 私钥.pem] [--session-minutes 30] [--time-zone 时区]
          [--keep-backups 14] [--restore 备份名]
                                         启动 HTTP 接口与网页界面:本机台账文件,或省级 PostgreSQL 数据库
                                         (可列出主备:host=a,b target_session_attrs=read-write);
                                         监听非本机地址时只用 HTTPS(单位证书,或自动生成并打印指纹)`;

const OPTIONS = {
  db: { type: 'string' },
  database: { type: 'string' },
  port: { type: 'string', default: '5180' },
  host: { type: 'string', default: '127.0.0.1' },
  'session-minutes': { type: 'string', default: '30' },
  'keep-backups': { type: 'string', default: String(DEFAULT_KEEP) },
  restore: { type: 'string' },
  'allow-host': { type: 'string', multiple: true, default: [] as string[] },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  'time-zone': { type: 'string' },
} satisfies ParseArgsConfig['options'];

/** The reason the server does not start, in the words of its operator. */
class Refusal extends Error {
  constructor(message: string, readonly code = 1) {
    super(message);
  }
}

const refusal = (e: unknown) => new Refusal(e instanceof UserError ? e.problems.map(formatProblem).join('\n') : String((e as Error)?.message ?? e));

/**
 * Starts the api and the web UI on a ledger (`npm run web`, `eql serve`), as its arguments say, and runs
 * until SIGINT or SIGTERM; answers the process's exit code. What it prints is for the operator.
 */
export async function serveFromArgs(args: string[], log: (line: string) => void = console.log, err: (line: string) => void = console.error): Promise<number> {
  try {
    const stopped = await serve(args, log);
    return await stopped;
  } catch (e) {
    if (!(e instanceof Refusal)) throw e;
    err(e.message);
    return e.code;
  }
}

async function serve(args: string[], log: (line: string) => void): Promise<Promise<number>> {
  let values;
  try {
    values = parseArgs({ args, options: OPTIONS, strict: true }).values;
  } catch (e) {
    throw new Refusal(`${(e as Error).message}\n\n${SERVE_USAGE}`, 2);
  }
  let clock;
  try {
    clock = machineClock(values['time-zone']);
  } catch (e) {
    throw refusal(e);
  }
  if (values.db && values.database) throw new Refusal('--db 与 --database 只能给出一个:本机台账文件,或省级数据库', 2);
  const idleMs = Number(values['session-minutes']) * 60_000;
  const sessions = { idleMs, maxMs: Math.max(idleMs, 12 * 3_600_000) };
  let ledger: Ledger;
  /** Where the server's own certificate is kept when the bureau gives none. */
  let tlsDir: string;
  if (values.database) {
    if (values.restore) throw new Refusal('--restore 只用于本机台账文件;省级数据库由信息中心用 pg_restore 恢复', 2);
    try {
      ledger = await openProvincialLedger(values.database, clock!, { sessions });
    } catch (e) {
      throw refusal(e);
    }
    tlsDir = join(userDataDir(), 'tls');
  } else {
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
        log(`已用备份 ${values.restore} 替换台账文件`);
      }
      opened = openLedger(file, clock!, { sessions });
    } catch (e) {
      throw refusal(e);
    } finally {
      release();
    }
    ledger = opened!.ledger;
    if (opened!.backup) log(`数据库已升级,升级前的备份:${opened!.backup}`);
    tlsDir = join(dirname(file), 'tls');
  }

  const loopback = ['127.0.0.1', 'localhost', '::1'].includes(values.host);
  if (!loopback && (await countUsers(ledger.store)) === 0) {
    await closeLedger(ledger);
    throw new Refusal(`拒绝监听 ${values.host}:台账还没有用户,登录认证尚未启用。请先在本机(127.0.0.1)打开并创建系统管理员,再供局域网访问`, 2);
  }
  if (!!values['tls-cert'] !== !!values['tls-key']) {
    await closeLedger(ledger);
    throw new Refusal('--tls-cert 与 --tls-key 须同时给出');
  }

  // On the LAN the server speaks only HTTPS: the bureau's certificate, or its own one kept beside the ledger.
  const hosts = loopback ? [] : machineHosts(values.host, values['allow-host']);
  let identity: TlsIdentity | undefined;
  if (!loopback) {
    try {
      identity = values['tls-cert']
        ? readIdentity(resolve(values['tls-cert']), resolve(values['tls-key']!))
        : await ownIdentity(tlsDir, ['localhost', '127.0.0.1', '::1', ...hosts], clock!.now());
    } catch (e) {
      await closeLedger(ledger);
      throw refusal(e);
    }
  }

  const server = createHttpServer(ledger, resolve(import.meta.dirname, '..', 'dist', 'renderer'), {
    lan: loopback ? undefined : { hosts },
    tls: identity,
  });
  const address = await listen(server, Number(values.port), values.host);
  // The provincial database's backups are its IT office's (README).
  const stopBackups = ledger.store.engine === 'sqlite' ? scheduleDailyBackups(ledger, Number(values['keep-backups']), log) : () => undefined;
  const shown = (h: string) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);
  // Bound to every interface: the addresses other computers can use (not loopback, not link-local).
  const urls = loopback || !['0.0.0.0', '::'].includes(values.host) ? [shown(values.host)] : hosts.filter((h) => !/^(127\.|\[::1\]|\[fe80:)/.test(h));
  const what = ledger.store.engine === 'postgres' ? `省级数据库 ${ledger.file}` : `台账文件 ${ledger.file}`;
  log(`执法装备台账已启动:${urls.map((h) => `${identity ? 'https' : 'http'}://${h}:${address.port}/`).join('  ')} (${what})`);
  if (identity) {
    log(`${identity.created ? '已生成' : '使用'}证书 ${identity.certFile}`);
    log(`证书 SHA-256 指纹:${identity.fingerprint}`);
    log('首次从其他电脑打开时,浏览器会提示证书不受信任:请核对浏览器显示的 SHA-256 指纹与上面一致后再继续');
  }

  return new Promise<number>((done) => {
    const stop = () => {
      server.close(() => {
        stopBackups();
        void closeLedger(ledger).then(() => done(0));
      });
      // Requests under way finish; browsers' idle connections do not hold the server open.
      server.closeIdleConnections();
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
}
