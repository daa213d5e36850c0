// `npm test` starts the PostgreSQL test server where Debian's PostgreSQL is installed (scripts/test-postgres.sh);
// elsewhere the provincial database's tests are skipped with a notice (tests/fixtures/postgres.ts).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

if (process.platform === 'linux' && existsSync('/usr/lib/postgresql') && !process.env.EQL_TEST_POSTGRES) {
  const run = spawnSync('bash', [new URL('./test-postgres.sh', import.meta.url).pathname], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) console.warn('PostgreSQL 测试服务器未能启动;省级数据库的测试将被跳过');
}
