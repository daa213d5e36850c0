import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { machineClock } from './clock';
import { formatProblem, UserError } from '../lib/problems';
import { copyBackupOver, resolveBackup } from '../db/backup';
import { openDatabase } from '../db/open';
import { countUsers } from '../db/queries/users';
import { Sessions } from './auth/sessions';
import { scheduleDailyBackups, DEFAULT_KEEP } from './daily-backup';
import { createHttpServer, listen } from './http';
import { DEFAULT_LEDGER_FILE, userDataDir } from './paths';

const { values } = parseArgs({
  options: {
    db: { type: 'string' },
    port: { type: 'string', default: '5180' },
    host: { type: 'string', default: '127.0.0.1' },
    'session-minutes': { type: 'string', default: '30' },
    'keep-backups': { type: 'string', default: String(DEFAULT_KEEP) },
    restore: { type: 'string' },
    'time-zone': { type: 'string' },
  },
});

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
// The way out of a damaged ledger: put a named backup in its place before opening it.
if (values.restore) {
  try {
    await copyBackupOver(resolveBackup(file, values.restore), file, () => undefined);
    console.log(`已用备份 ${values.restore} 替换台账文件`);
  } catch (e) {
    fail(e);
  }
}
let opened;
try {
  opened = openDatabase(file, { now: clock!.now() });
} catch (e) {
  fail(e);
}
const { db, backup } = opened!;
if (backup) console.log(`数据库已升级,升级前的备份:${backup}`);

const loopback = ['127.0.0.1', 'localhost', '::1'].includes(values.host!);
if (!loopback && countUsers(db) === 0) {
  console.error(`拒绝监听 ${values.host}:台账还没有用户,登录认证尚未启用。请先在本机(127.0.0.1)打开并创建系统管理员,再供局域网访问`);
  process.exit(2);
}

const idleMs = Number(values['session-minutes']) * 60_000;
const ledger = { db, file, clock: clock!, sessions: new Sessions({ idleMs, maxMs: Math.max(idleMs, 12 * 3_600_000) }, () => clock!.now().getTime()) };
const server = createHttpServer(ledger, resolve(import.meta.dirname, '..', 'dist', 'renderer'), { lan: !loopback });
const address = await listen(server, Number(values.port), values.host!);
const stopBackups = scheduleDailyBackups(ledger, Number(values['keep-backups']));
console.log(`执法装备台账已启动:http://${values.host === '::1' ? '[::1]' : values.host}:${address.port}/ (台账文件 ${file})`);

const stop = () => server.close(() => {
  stopBackups();
  ledger.db.$client.close();
  process.exit(0);
});
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
