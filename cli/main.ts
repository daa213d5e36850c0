import { readFileSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname, extname, join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { LEDGER_MAPPING, type ExportFormat, type FileOut, type ImportOutcome } from '../api/contract';
import { openApiDocument } from '../api/openapi';
import type { Clock } from '../lib/clock';
import { isIsoDate, type IsoDate } from '../lib/dates';
import type { LedgerMapping } from '../excel/ledger';
import { DELIMITERS, TEXT_ENCODINGS } from '../excel/formats';
import { formatProblem, UserError } from '../lib/problems';
import type { Context } from '../server/context';
import { closeLedger, openLedger } from '../server/ledger';
import { call, localCaller } from '../server/local';
import { moveLedger } from '../server/transfer';
import { SERVE_USAGE, serveFromArgs } from '../server/serve';
import { approveByCode, planFromFile, planJson, planText } from './dispatch';
import { closeStocktake, closingText, scanCodes, scanLines, startStocktake, stocktakeId, stocktakeReport, STOCKTAKE_USAGE } from './stocktake';
import { formatShortfallTable, formatTable } from './table';
import { formatYuan } from '../lib/money';
import { LABEL_LAYOUTS } from '../lib/domain/labels';

const USAGE = `eql — 执法装备台账命令行

用法:
  eql init --db FILE                     创建台账数据库(含装备目录与配备标准)
  eql import FILE --db FILE [--mapping MAP.json] [--valid-only [--errors OUT.xlsx]]
                [--encoding ${TEXT_ENCODINGS.join('|')}] [--delimiter ${DELIMITERS.join('|')}]
                                         导入标准模板(工作表「机构」「装备」),或各单位自有格式的台账
                                         (.xlsx .xlsm .xlsb .xls .et .ods,或 .csv/.txt 文本):
                                         表头与列自动识别,--mapping 使用导入向导保存的映射(列、装备名称、机构);
                                         文本文件的编码与分隔符自动识别,无法确定时用 --encoding、--delimiter 指定;
                                         有错误则整份不导入;--valid-only 只导入有效行,未导入的行及原因写入 --errors
  eql export ledger|compliance|template|maintenance|calibrations --db FILE --out FILE.xlsx|FILE.csv|FILE.zip
                [--agency CODE] [--rules ID] [--from YYYY-MM-DD] [--to YYYY-MM-DD]
                                         导出装备台账、配备达标情况(含逐级汇总)、空白导入模板、维修保养记录、检定记录;
                                         --out 以 .csv 或 .zip 结尾即导出 CSV(UTF-8 带 BOM,供 WPS 与旧版 Excel):
                                         配备达标情况、预算申请表有多个工作表,为每表一个 .csv 的 .zip;空白模板只含「装备」表
  eql shortfall --db FILE [--rules ID] [--agency CODE] [--rollup]
                [--date YYYY-MM-DD] [--json]
                                         按机构与装备品目计算应配、在册、可用、缺额、超配;
                                         --rules 为 eql rules list 所列的任一配备标准(默认 national-2020)
  eql budget --db FILE --year YYYY [--agency CODE] [--rollup] [--rules ID]
                [--json] [--out 预算申请表.xlsx|.zip]
                                         规划年度的购置预算:各机构各品目的缺额与年底前到期更新数,按单价计金额(分)
  eql book-value --db FILE [--agency CODE] [--date YYYY-MM-DD] [--json]
                                         各装备截至该日所在月末的累计折旧与账面价值(政府会计准则第3号:按月直线法、不留残值,
                                         当月增加当月计提、当月减少当月不提;年限按财会〔2017〕4号表1,可调高)
  eql score --db FILE --agency CODE [--year YYYY] [--rules ID] [--json] [--out 评分表.xlsx|.csv]
                                         浙江省执法装备能力建设评分(100 分):逐项得分与依据、是否达标
  eql rules list --db FILE [--json]      列出台账中的配备标准(编号、名称、发布文件、施行日期)
  eql rules export ID --db FILE --out FILE.xlsx
                                         按标准原表的格式导出一版配备标准(类别、代码、名称、单位、省级、市级、县级)
  eql rules import FILE.xlsx --db FILE --id ID [--name NAME] [--replace]
                                         导入一版配备标准(如各省按原表格式录入的新版),存为编号 ID;
                                         配备数量写作「1辆/5人」「2/机构」「≥1/机构」「1/办公室」,该级选配写「选配」,空白为不配;
                                         「可购买服务」列为「是」的品目可由服务合同满足;
                                         目录中没有的代码为新增品目,须填类别、名称、单位;有错误则整份不导入;
                                         编号已存在时须加 --replace 才替换(随软件提供的 national-2020、zhejiang-2022 不能替换)
  eql rules compare BASE OTHER --db FILE [--agency CODE] [--json] [--out 差异表.xlsx|.zip]
                                         两版配备标准对比:按同一时点的在册装备,列出各机构应配不同的品目、
                                         两版下的缺额与补足缺额的购置金额变化
  eql demo --db FILE                     载入演示省份(1 省、12 市、100 县,约 5 万件装备)
  eql dispatch plan --db FILE --tasks FILE.json [--reserve 0.5] [--json]
                                         保存任务并用 HiGHS 求解调度方案(草稿):按距离最短、优先级加权缺口最小
  eql dispatch approve --db FILE --plan 方案编号 [--ref 批准文号]
                                         批准草稿方案,所列装备在任务日期内被占用
  eql migrate --from 台账.db --to postgres://用户:密码@主机:端口/库名 | --to 另一台账.db
                                         将本机台账迁入省级数据库(或另一台账文件):机构按代码、装备按编号对应,
                                         装备的维修、检定、报废与移交记录,本机构的用户与审计日志连同时间一并迁入;
                                         有冲突(如同一编号已在另一县)则逐条列出、整份不写入;重复执行不会重复迁入
  ${STOCKTAKE_USAGE}
  ${SERVE_USAGE}
  eql labels --db FILE [--agency CODE | --tags T1,T2] [--layout ${LABEL_LAYOUTS.join('|')}] [--blank N] --out FILE.pdf
                                         打印资产标签(矢量 PDF:二维码、装备编号、品目名称、机构,字体已嵌入):
                                         --agency 为该机构及下级未报废的装备,--tags 为所列编号;a4-3x8、a4-2x5 为 A4 不干胶,
                                         50x30 为 50×30 毫米标签机(每页一张);--blank N 为 --agency 机构预留 N 个空白标签
                                         (首次扫码时绑定装备;与 --tags 同用时附在所列装备之后)
  eql openapi                            输出 HTTP 接口的 OpenAPI 3.1 文档(JSON),与服务器 GET /api/openapi.json 相同

通用选项:
  --user NAME    以台账中的该账号执行,其角色与管辖范围适用(台账已有用户时必填);
                 台账尚无用户时以本机管理员执行,NAME 为记入审计日志的操作人(默认为当前系统用户)
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
  mapping: { type: 'string' },
  encoding: { type: 'string' },
  delimiter: { type: 'string' },
  'valid-only': { type: 'boolean' },
  errors: { type: 'string' },
  out: { type: 'string' },
  from: { type: 'string' },
  year: { type: 'string' },
  to: { type: 'string' },
  id: { type: 'string' },
  title: { type: 'string' },
  at: { type: 'string' },
  tags: { type: 'string' },
  layout: { type: 'string' },
  blank: { type: 'string' },
  name: { type: 'string' },
  replace: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies ParseArgsConfig['options'];

function readInput(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new UserError([{ file: path, message: `无法读取文件:${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` }]);
  }
}

/** The wizard's saved mapping, checked field by field. */
function readMapping(path: string): LedgerMapping {
  let json: unknown;
  try {
    json = JSON.parse(readInput(path).toString('utf8'));
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError([{ file: path, message: `不是有效的 JSON:${(e as Error).message}` }]);
  }
  const parsed = LEDGER_MAPPING.safeParse(json);
  if (!parsed.success) throw new UserError(parsed.error.issues.map((i) => ({ file: path, field: i.path.join('.'), message: i.message })));
  return parsed.data;
}

function summaryLine(s: ImportOutcome): string {
  return `导入完成:机构 新增 ${s.agencies.created}、更新 ${s.agencies.updated}、未变 ${s.agencies.unchanged};` +
    `装备 新增 ${s.assets.created}、更新 ${s.assets.updated}、未变 ${s.assets.unchanged}` +
    (s.disposals ? `;为待报废或丢失/盘亏的 ${s.disposals} 件装备提交了报废申请` : '');
}

function yearOption(value: string | undefined, fallback?: number): number {
  if (value === undefined) {
    if (fallback === undefined) throw new UsageError('缺少 --year YYYY');
    return fallback;
  }
  if (!/^\d{4}$/.test(value)) throw new UsageError('--year 应为四位年份,如 2026');
  return Number(value);
}

/** The format the --out file's extension asks for: .csv or .zip for CSV, anything else .xlsx. */
const formatOf = (path: string): ExportFormat => (/\.(csv|zip)$/i.test(path) ? 'csv' : 'xlsx');

function writeOut(path: string, f: FileOut, io: Io): void {
  const made = extname(f.fileName).toLowerCase();
  const asked = extname(path).toLowerCase();
  if (formatOf(path) === 'csv' && made !== asked) {
    throw new UsageError(made === '.zip' ? `「${f.fileName}」有多个工作表,CSV 导出为每表一个 .csv 的 .zip;请用 --out 文件.zip` : `「${f.fileName}」只有一个 .csv;请用 --out 文件.csv`);
  }
  writeFileSync(path, Buffer.from(f.base64, 'base64'));
  io.out(`已导出到 ${path}`);
}

function dateOption(name: string, value: string | undefined, fallback: IsoDate): IsoDate {
  if (value === undefined) return fallback;
  if (!isIsoDate(value)) throw new UsageError(`--${name} 应为 YYYY-MM-DD`);
  return value;
}

type ExportOptions = { agency?: string; rules?: string; from?: string; to?: string; format: ExportFormat };

const EXPORTS: Record<string, (ctx: Context, o: ExportOptions, today: IsoDate) => Promise<FileOut>> = {
  ledger: (ctx, o) => call(ctx, 'assets/export', { query: { agency: o.agency }, sort: [{ colId: 'agencyCode', sort: 'asc' }, { colId: 'assetTag', sort: 'asc' }], format: o.format }),
  compliance: (ctx, o) => call(ctx, 'quotas/export', { ruleSet: o.rules, agency: o.agency, format: o.format }),
  template: (ctx, o) => call(ctx, 'imports/blankTemplate', { format: o.format }),
  maintenance: (ctx, o, today) => call(ctx, 'maintenance/export', logRange(o, today)),
  calibrations: (ctx, o, today) => call(ctx, 'calibrations/export', logRange(o, today)),
};

/** A log's dates: from --from (else 1 January) to --to (else today). */
const logRange = (o: ExportOptions, today: IsoDate) => ({
  from: dateOption('from', o.from, `${today.slice(0, 4)}-01-01`), to: dateOption('to', o.to, today), format: o.format,
});

export interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  /** The clock dates and audit times come from. */
  clock: Clock;
}

function choiceOption<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} 应为 ${allowed.join('、')} 之一`);
  return value as T;
}

function needDb(db: string | undefined): string {
  if (!db) throw new UsageError('缺少 --db FILE');
  return db;
}

/** Runs one eql command; returns the process exit code. */
export async function run(argv: string[], io: Io): Promise<number> {
  // The server takes options of its own and runs until it is stopped.
  if (argv[0] === 'serve') return serveFromArgs(argv.slice(1), io.out, io.err);
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
  const today = io.clock.today();
  /** Runs `f` as the caller `--user` names on the ledger `--db` names, which must exist unless `create`. */
  const onLedger = async <T>(f: (ctx: Context) => Promise<T>, create = false): Promise<T> => {
    const { ledger } = openLedger(needDb(v.db), io.clock, { mustExist: !create });
    try {
      return await f(await localCaller(ledger, v.user, `cli:${userInfo().username}`));
    } finally {
      closeLedger(ledger);
    }
  };
  /** A report, and its export written to --out when one is asked for. */
  const report = <T>(read: (ctx: Context) => Promise<T>, exported: (ctx: Context, format: ExportFormat) => Promise<FileOut>): Promise<T> =>
    onLedger(async (ctx) => {
      const r = await read(ctx);
      if (v.out) writeOut(v.out, await exported(ctx, formatOf(v.out)), io);
      return r;
    });
  try {
    switch (command) {
      case 'init': {
        const file = needDb(v.db);
        const { ledger, backup } = openLedger(file, io.clock);
        closeLedger(ledger);
        io.out(`已就绪:${file}${backup ? `(升级前已备份到 ${backup})` : ''}`);
        return 0;
      }
      case 'import': {
        const path = rest[0];
        if (!path) throw new UsageError('缺少要导入的文件(.xlsx、.xls、.et、.ods 或 .csv)');
        const text = { encoding: choiceOption('encoding', v.encoding, TEXT_ENCODINGS), delimiter: choiceOption('delimiter', v.delimiter, DELIMITERS) };
        const upload = { fileName: basename(path), base64: readInput(path).toString('base64'), ...text };
        const mapping = v.mapping === undefined ? undefined : readMapping(v.mapping);
        await onLedger(async (ctx) => {
          const opened = await call(ctx, 'imports/open', upload);
          if (!mapping && opened.template) {
            if (v['valid-only']) throw new UsageError('标准模板(工作表「机构」「装备」)只能整份导入,请去掉 --valid-only');
            io.out(summaryLine(await call(ctx, 'imports/template', upload)));
            return;
          }
          const s = await call(ctx, 'imports/ledger', { token: opened.token, mapping: mapping ?? {}, mode: v['valid-only'] ? 'valid' : 'all' });
          io.out(summaryLine(s));
          if (s.errors) {
            const out = v.errors ?? join(dirname(path), s.errors.fileName);
            writeFileSync(out, Buffer.from(s.errors.base64, 'base64'));
            io.out(`${s.rejected} 行未导入,行号与原因见 ${out}`);
          }
        });
        return 0;
      }
      case 'export': {
        const what = rest[0];
        if (!what || !(what in EXPORTS)) throw new UsageError(`用法:eql export ${Object.keys(EXPORTS).join('|')} --db FILE --out FILE.xlsx`);
        const out = v.out;
        if (!out) throw new UsageError('缺少 --out FILE.xlsx');
        const file = await onLedger((ctx) => EXPORTS[what](ctx, { agency: v.agency, rules: v.rules, from: v.from, to: v.to, format: formatOf(out) }, today));
        writeOut(out, file, io);
        return 0;
      }
      case 'shortfall': {
        const result = await onLedger((ctx) => call(ctx, 'quotas/shortfall', { ruleSet: v.rules, agency: v.agency, rollup: v.rollup, date: v.date }));
        io.out(v.json ? JSON.stringify({ ruleSet: result.ruleSet, date: result.date, rows: result.rows }) : formatShortfallTable(result.rows));
        return 0;
      }
      case 'book-value': {
        const date = dateOption('date', v.date, today);
        const r = await onLedger((ctx) => call(ctx, 'bookValue/list', { agency: v.agency, date }));
        if (v.json) {
          const rows = r.rows.map(({ tag, item, priceFen, months, depreciationFen, bookValueFen }) => ({ tag, item, priceFen, months, depreciationFen, bookValueFen }));
          io.out(JSON.stringify({ date: r.date, rows, totalBookValueFen: r.totalBookValueFen }));
        } else {
          const body = r.rows.map((x) => [x.tag, x.item, formatYuan(x.priceFen), String(x.months), formatYuan(x.depreciationFen), formatYuan(x.bookValueFen)]);
          const missing = r.missing ? `;另有 ${r.missing} 件缺少原值或购置日期,未计入` : '';
          io.out(`${formatTable(['资产编号', '品目', '原值(元)', '已提月数', '累计折旧(元)', '账面价值(元)'], body)}\n${r.date} 账面价值合计 ${formatYuan(r.totalBookValueFen)} 元${missing}`);
        }
        return 0;
      }
      case 'budget': {
        const input = { year: yearOption(v.year), agency: v.agency, rollup: v.rollup, ruleSet: v.rules };
        const r = await report((ctx) => call(ctx, 'budget/request', input), (ctx, format) => call(ctx, 'budget/export', { ...input, format }));
        if (v.json) {
          const rows = r.rows.map(({ agency, item, shortfall, replace, quantity, unitPriceFen, amountFen }) => ({ agency, item, shortfall, replace, quantity, unitPriceFen, amountFen }));
          io.out(JSON.stringify({ year: r.year, rows, totalFen: r.totalFen }));
        } else if (!v.out) {
          const body = r.rows.map((x) => [x.agency, x.item, String(x.shortfall), String(x.replace), String(x.quantity), formatYuan(x.unitPriceFen), formatYuan(x.amountFen)]);
          const renew = r.renewals.length ? `,服务合同续签 ${formatYuan(r.renewFen)}(${r.renewals.length} 份)` : '';
          io.out(`${formatTable(['机构', '品目', '缺额', '更新', '数量', '单价(元)', '金额(元)'], body)}\n合计 ${formatYuan(r.totalFen)} 元(缺额 ${formatYuan(r.shortfallFen)},更新 ${formatYuan(r.replaceFen)}${renew})`);
        }
        return 0;
      }
      case 'score': {
        if (!v.agency) throw new UsageError('缺少 --agency CODE');
        const input = { agency: v.agency, year: yearOption(v.year, Number(today.slice(0, 4))), ruleSet: v.rules };
        const s = await report((ctx) => call(ctx, 'score/card', input), (ctx, format) => call(ctx, 'score/export', { ...input, format }));
        if (v.json) {
          io.out(JSON.stringify({ agency: s.agency, total: s.total, items: s.items.map(({ no, points, max, why }) => ({ no, points, max, why })), passed: s.passed }));
        } else if (!v.out) {
          const lines = s.items.map((i) => `${String(i.no).padStart(2)}. ${i.title}  ${i.points}/${i.max}  ${i.why}`);
          io.out([`${s.agencyName} ${s.year} 年度执法装备能力建设评分`, ...lines, `总分 ${s.total}:${s.passed ? '达标' : '未达标'}(装备评分 ≥ 85 且各类别得分高于该类别分值的 80%)`].join('\n'));
        }
        return 0;
      }
      case 'rules': {
        const sub = rest[0];
        if (sub === 'list') {
          const sets = await onLedger((ctx) => call(ctx, 'ruleSets/list', {}));
          io.out(v.json ? JSON.stringify(sets) : formatTable(['编号', '名称', '施行日期', '依据', '发布文件'],
            sets.map((s) => [s.id, s.name, s.effectiveDate ?? '', s.basedOn ?? '', s.source]), 5));
          return 0;
        }
        if (sub === 'export') {
          const id = rest[1];
          if (!id) throw new UsageError('缺少要导出的配备标准编号(见 eql rules list)');
          const out = v.out;
          if (!out) throw new UsageError('缺少 --out FILE.xlsx');
          const file = await onLedger((ctx) => call(ctx, 'ruleSets/export', { id, format: formatOf(out) }));
          writeOut(out, file, io);
          return 0;
        }
        if (sub === 'import') {
          const path = rest[1];
          if (!path) throw new UsageError('缺少要导入的文件(.xlsx)');
          const id = v.id;
          if (!id) throw new UsageError('缺少 --id ID(导入后的配备标准编号,如 national-2024)');
          const upload = { fileName: basename(path), base64: readInput(path).toString('base64'), id, name: v.name, replace: v.replace };
          const r = await onLedger((ctx) => call(ctx, 'ruleSets/import', upload));
          io.out(`已${r.replaced ? '替换' : '导入'}配备标准 ${r.id}「${r.name}」:${r.rules} 条配备数量${r.items ? `,新增品目 ${r.items} 个` : ''};可用 eql shortfall --rules ${r.id} 测算`);
          return 0;
        }
        if (sub === 'compare') {
          const [base, other] = rest.slice(1);
          if (!base || !other) throw new UsageError('用法:eql rules compare 基准编号 对比编号 --db FILE(编号见 eql rules list)');
          const input = { base, other, agency: v.agency, date: v.date };
          if (v.out) {
            const out = v.out;
            writeOut(out, await onLedger((ctx) => call(ctx, 'quotas/exportCompare', { ...input, format: formatOf(out) })), io);
            return 0;
          }
          const r = await onLedger((ctx) => call(ctx, 'quotas/compare', input));
          if (v.json) {
            io.out(JSON.stringify(r));
            return 0;
          }
          const body = r.changes.map((c) => [c.agency, c.item, String(c.held), String(c.requiredBase), String(c.requiredOther), String(c.shortfallBase), String(c.shortfallOther), formatYuan(c.budgetChangeFen)]);
          io.out(`${formatTable(['机构', '品目', '在册', `应配(${r.base.id})`, `应配(${r.other.id})`, `缺额(${r.base.id})`, `缺额(${r.other.id})`, '金额变化(元)'], body)}
缺额合计 ${r.totals.shortfallBase} → ${r.totals.shortfallOther},购置金额变化 ${formatYuan(r.totals.budgetChangeFen)} 元,涉及 ${r.totals.changedAgencies} 个机构`);
          return 0;
        }
        throw new UsageError('用法:eql rules list|export|import|compare …');
      }
      case 'demo': {
        const n = await onLedger((ctx) => call(ctx, 'ledger/loadDemo', {}), true);
        io.out(`已载入演示数据:${n.agencies} 个机构,${n.assets} 件装备`);
        return 0;
      }
      case 'dispatch': {
        const sub = rest[0];
        if (sub !== 'plan' && sub !== 'approve') throw new UsageError('用法:eql dispatch plan|approve …');
        if (sub === 'plan') {
          const tasks = v.tasks;
          if (!tasks) throw new UsageError('缺少 --tasks FILE.json');
          const reserve = v.reserve === undefined ? undefined : Number(v.reserve);
          if (reserve !== undefined && !(reserve >= 0 && reserve <= 1)) throw new UsageError('--reserve 应为 0 到 1 之间的数');
          const plan = await onLedger((ctx) => planFromFile(ctx, tasks, reserve));
          io.out(v.json ? JSON.stringify(planJson(plan)) : planText(plan));
        } else {
          const code = v.plan;
          if (!code) throw new UsageError('缺少 --plan 方案编号');
          const plan = await onLedger((ctx) => approveByCode(ctx, code, v.ref ?? null));
          io.out(`已批准调度方案 ${plan.code}:${plan.units} 台次装备在任务日期内被占用`);
        }
        return 0;
      }
      case 'stocktake': {
        const sub = rest[0];
        if (sub === 'start') {
          const agency = v.agency;
          if (!agency) throw new UsageError('缺少 --agency CODE');
          const st = await onLedger((ctx) => startStocktake(ctx, agency, v.title, today));
          io.out(v.json ? JSON.stringify({ id: st.id, expected: st.expected }) : `已开始盘点 #${st.id}「${st.title}」:应有 ${st.expected} 件`);
          return 0;
        }
        if (sub !== 'scan' && sub !== 'close' && sub !== 'report') throw new UsageError('用法:eql stocktake start|scan|close|report …');
        const id = stocktakeId(v.id);
        if (typeof id === 'string') throw new UsageError(id);
        if (sub === 'scan') {
          const codes = rest.slice(1);
          if (!codes.length) throw new UsageError('缺少要提交的编码');
          const rows = await onLedger((ctx) => scanCodes(ctx, id, codes, v.at));
          io.out(v.json ? JSON.stringify(rows.map((r) => ({ code: r.code, outcome: r.outcome, tag: r.assetTag }))) : scanLines(rows));
        } else if (sub === 'close') {
          const c = await onLedger((ctx) => closeStocktake(ctx, id));
          io.out(v.json ? JSON.stringify(c) : closingText(c));
        } else {
          const out = v.out;
          if (!out) throw new UsageError('缺少 --out 盘点报告.xlsx');
          writeOut(out, await onLedger((ctx) => stocktakeReport(ctx, id, extname(out).toLowerCase() === '.pdf' ? 'pdf' : formatOf(out))), io);
        }
        return 0;
      }
      case 'migrate': {
        if (!v.from || !v.to) throw new UsageError('缺少 --from 台账文件 或 --to 目标(省级数据库的连接串,或另一台账文件)');
        const s = await moveLedger(v.from, v.to, io.clock, v.user ?? `cli:${userInfo().username}`);
        io.out([
          `已迁入:机构 新增 ${s.agencies.added}(已有 ${s.agencies.present});装备 新增 ${s.assets.added}(已有 ${s.assets.present}),其记录 ${s.records} 条;`
            + `用户 新增 ${s.users.added}(已有 ${s.users.present});审计记录 新增 ${s.audit.added}(已有 ${s.audit.present})`,
          ...s.notCarried,
        ].join('\n'));
        return 0;
      }
      case 'labels': {
        const out = v.out;
        if (!out || extname(out).toLowerCase() !== '.pdf') throw new UsageError('缺少 --out FILE.pdf');
        if (v.agency && v.tags) throw new UsageError('--agency 与 --tags 只能选一个');
        const blank = v.blank === undefined ? undefined : Number(v.blank);
        if (blank !== undefined && !(Number.isInteger(blank) && blank >= 0)) throw new UsageError('--blank 应为非负整数');
        const tags = v.tags?.split(',').map((t) => t.trim()).filter(Boolean);
        const layout = choiceOption('layout', v.layout, LABEL_LAYOUTS);
        const file = await onLedger((ctx) => call(ctx, 'labels/pdf', { tags, agency: v.agency, layout, blank }));
        writeFileSync(out, Buffer.from(file.base64, 'base64'));
        io.out(`已写入 ${out}`);
        return 0;
      }
      case 'openapi':
        io.out(JSON.stringify(openApiDocument(), null, 2));
        return 0;
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
