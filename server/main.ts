import { mkdirSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { todayIso } from '../lib/dates';
import { formatProblem, UserError } from '../lib/problems';
import { openDatabase } from '../db/open';
import { actorNow } from '../db/queries/audit';
import { createHttpServer, listen } from './http';
import { DEFAULT_LEDGER_FILE, userDataDir } from './paths';

const { values } = parseArgs({
  options: { db: { type: 'string' }, port: { type: 'string', default: '5180' }, host: { type: 'string', default: '127.0.0.1' } },
});

if (!['127.0.0.1', 'localhost', '::1'].includes(values.host!)) {
  console.error(`拒绝监听 ${values.host}:尚未启用登录认证,台账服务只能在本机(127.0.0.1)访问`);
  process.exit(2);
}

const file = resolve(values.db ?? join(userDataDir(), DEFAULT_LEDGER_FILE));
mkdirSync(dirname(file), { recursive: true });
let opened;
try {
  opened = openDatabase(file);
} catch (e) {
  console.error(e instanceof UserError ? e.problems.map(formatProblem).join('\n') : e);
  process.exit(1);
}
const { db, backup } = opened;
if (backup) console.log(`数据库已升级,升级前的备份:${backup}`);

const user = userInfo().username;
const server = createHttpServer(
  { db, file, who: () => actorNow(`web:${user}`), today: () => todayIso() },
  resolve(import.meta.dirname, '..', 'dist', 'renderer'),
);
const address = await listen(server, Number(values.port), values.host!);
console.log(`执法装备台账已启动:http://${values.host === '::1' ? '[::1]' : values.host}:${address.port}/ (台账文件 ${file})`);

const stop = () => server.close(() => {
  db.$client.close();
  process.exit(0);
});
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
