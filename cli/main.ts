import { readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { todayIso } from '../lib/dates';
import { formatProblem, UserError } from '../lib/problems';
import { openDatabase } from '../db/open';
import { actorNow } from '../db/queries/audit';
import { importTemplate } from '../server/handlers/imports';
import { shortfall } from '../server/handlers/quotas';
import { loadDemo } from '../server/handlers/demo';
import { approveByCode, planFromFile, planJson, planText } from './dispatch';
import { formatShortfallTable } from './table';

const USAGE = `eql — 执法装备台账命令行

用法:
  eql init --db FILE                     创建台账数据库(含装备目录与配备标准)
  eql import FILE.xlsx --db FILE         导入标准模板(工作表「机构」「装备」);有错误则整份不导入
  eql shortfall --db FILE [--rules national-2020|zhejiang-2022] [--agency CODE] [--rollup]
                [--date YYYY-MM-DD] [--json]
                                         按机构与装备品目计算应配、在册、可用、缺额、超配
  eql demo --db FILE                     载入演示省份(1 省、12 市、100 县,约 5 万件装备)
  eql dispatch plan --db FILE --tasks FILE.json [--reserve 0.5] [--json]
                                         保存任务并用 HiGHS 求解调度方案(草稿):按距离最短、优先级加权缺口最小
  eql dispatch approve --db FILE --plan 方案编号 [--ref 批准文号]
                                         批准草稿方案,所列装备在任务日期内被占用

通用选项:
  --user NAME    记入审计日志的操作人(默认为当前系统用户)
  -h, --help     显示本帮助`;

class UsageError extends Error {}

const options = {
  db: { type: 'string' },
  rules: { type: 'string' },
  agency: { type: 'string' },
  rollup: { type: 'boolean' },
  date: { type: 'string' },
  json: { type: 'boolean' },
  user: { type: 'string' },
  tasks: { type: 'string' },
  reserve: { type: 'string' },
  plan: { type: 'string' },
  ref: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  now: () => Date;
}

function needDb(db: string | undefined): string {
  if (!db) throw new UsageError('缺少 --db FILE');
  return db;
}

/** Runs one eql command; returns the process exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    io.err(`${(e as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  const [command, ...rest] = positionals;
  if (v.help || !command) {
    (v.help ? io.out : io.err)(USAGE);
    return v.help ? 0 : 2;
  }
  const now = io.now();
  const today = todayIso(now);
  const who = actorNow(v.user ?? `cli:${userInfo().username}`, now);
  try {
    switch (command) {
      case 'init': {
        const file = needDb(v.db);
        const { db, backup } = openDatabase(file);
        db.$client.close();
        io.out(`已就绪:${file}${backup ? `(升级前已备份到 ${backup})` : ''}`);
        return 0;
      }
      case 'import': {
        const path = rest[0];
        if (!path) throw new UsageError('缺少要导入的 .xlsx 文件');
        let buf: Buffer;
        try {
          buf = readFileSync(path);
        } catch (e) {
          throw new UserError([{ file: path, message: `无法读取文件:${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
        }
        const { db } = openDatabase(needDb(v.db), { mustExist: true });
        try {
          const s = importTemplate(db, buf, { file: basename(path), who, today });
          io.out(
            `导入完成:机构 新增 ${s.agencies.created}、更新 ${s.agencies.updated}、未变 ${s.agencies.unchanged};` +
              `装备 新增 ${s.assets.created}、更新 ${s.assets.updated}、未变 ${s.assets.unchanged}`,
          );
        } finally {
          db.$client.close();
        }
        return 0;
      }
      case 'shortfall': {
        const { db } = openDatabase(needDb(v.db), { mustExist: true });
        try {
          const result = shortfall(db, { ruleSet: v.rules, agency: v.agency, rollup: v.rollup, date: v.date }, today);
          io.out(v.json ? JSON.stringify({ ruleSet: result.ruleSet, date: result.date, rows: result.rows }) : formatShortfallTable(result.rows));
        } finally {
          db.$client.close();
        }
        return 0;
      }
      case 'demo': {
        const { db } = openDatabase(needDb(v.db));
        try {
          const n = loadDemo(db, who, today);
          io.out(`已载入演示数据:${n.agencies} 个机构,${n.assets} 件装备`);
        } finally {
          db.$client.close();
        }
        return 0;
      }
      case 'dispatch': {
        const sub = rest[0];
        if (sub !== 'plan' && sub !== 'approve') throw new UsageError('用法:eql dispatch plan|approve …');
        const { db } = openDatabase(needDb(v.db), { mustExist: true });
        try {
          if (sub === 'plan') {
            if (!v.tasks) throw new UsageError('缺少 --tasks FILE.json');
            const reserve = v.reserve === undefined ? undefined : Number(v.reserve);
            if (reserve !== undefined && !(reserve >= 0 && reserve <= 1)) throw new UsageError('--reserve 应为 0 到 1 之间的数');
            const plan = await planFromFile(db, who, v.tasks, today, reserve);
            io.out(v.json ? JSON.stringify(planJson(plan)) : planText(plan));
          } else {
            if (!v.plan) throw new UsageError('缺少 --plan 方案编号');
            const plan = approveByCode(db, who, v.plan, v.ref ?? null);
            io.out(`已批准调度方案 ${plan.code}:${plan.units} 台次装备在任务日期内被占用`);
          }
        } finally {
          db.$client.close();
        }
        return 0;
      }
      default:
        throw new UsageError(`未知命令「${command}」`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof UserError) {
      io.err(e.problems.map(formatProblem).join('\n'));
      return 1;
    }
    throw e;
  }
}
