import { z } from 'zod';
import pkg from '../package.json' with { type: 'json' };
import type { Problem } from '../lib/problems';
import { api, refusal, type FileOut, type OpName, type Output } from './contract';
import { can, ROLE_NAMES, ROLES } from './roles';
import { DOMAIN_NAMES, OP_SUMMARIES, type Domain } from './summaries';
import { takesFile } from './uploads';

/** Where the HTTP host serves the document. */
export const OPENAPI_PATH = '/api/openapi.json';

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
/**
 * Accepts a schema only when it describes exactly T, optional fields included (which mutual assignability
 * alone would not notice), so the document cannot drift from the interface it stands for.
 */
const exactly = <T>() => <S extends z.ZodType<T>>(schema: S & (Same<T, z.output<S>> extends true ? (Same<keyof T, keyof z.output<S>> extends true ? unknown : never) : never)) => schema;

const PROBLEM = exactly<Problem>()(z.object({
  file: z.string().optional(),
  sheet: z.string().optional(),
  row: z.number().int().min(1).optional().meta({ description: '行号(从 1 起,同 Excel)' }),
  column: z.string().optional().meta({ description: '列字母,如 C' }),
  field: z.string().optional().meta({ description: '字段或表头名;输入校验失败时为字段路径,如 fields.assetTag' }),
  message: z.string().meta({ description: '中文说明' }),
  code: z.enum(['unauthenticated', 'forbidden']).optional().meta({ description: 'unauthenticated:须(重新)登录;forbidden:已登录但无权' }),
}).meta({ description: '用户可处理的问题:在哪里、错在什么' }));

const FILE_OUT = exactly<FileOut>()(z.object({
  fileName: z.string(),
  base64: z.string().meta({ contentEncoding: 'base64' }),
}).meta({ description: '交给用户保存的文件(.xlsx、.csv、.zip、.pdf 或备份);类型见文件名的扩展名' }));

const FAILURE = z.object({ ok: z.literal(false), problems: z.array(PROBLEM).min(1) }).meta({ description: '未执行:原因见 problems' });

/** The operations whose output is exactly T (a file, or nothing), which the document can therefore describe. */
type OpsReturning<T> = { [N in OpName]: [Output<N>] extends [T] ? ([T] extends [Output<N>] ? N : never) : never }[OpName];

const FILE_OPS: Record<OpsReturning<FileOut>, true> = {
  'audit/export': true, 'backups/download': true, 'assets/export': true, 'quotas/export': true, 'quotas/exportCompare': true, 'maintenance/export': true,
  'calibrations/export': true, 'imports/blankTemplate': true, 'budget/exportTerms': true, 'budget/export': true,
  'budget/exportPlan': true, 'score/export': true, 'charts/export': true, 'plans/export': true,
  'stocktakes/report': true,
  'labels/pdf': true, 'ruleSets/export': true,
};
const NULL_OPS: Record<OpsReturning<null>, true> = { 'auth/logout': true, 'auth/changePassword': true, 'tasks/delete': true, 'contracts/delete': true };

/** The operations whose answer starts or ends the caller's session (server/handlers/auth.ts). */
const SESSION_OPS: ReadonlySet<OpName> = new Set<OpName>(['auth/setup', 'auth/login', 'auth/logout', 'auth/changePassword']);

const has = (table: object, name: OpName) => Object.prototype.hasOwnProperty.call(table, name);

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' });
  return rest;
};

/** The shapes every operation shares, each once under #/components/schemas, Failure referring to Problem. */
function componentSchemas() {
  const shared = z.registry<{ id: string }>();
  shared.add(PROBLEM, { id: 'Problem' }).add(FAILURE, { id: 'Failure' }).add(FILE_OUT, { id: 'FileOut' });
  const { schemas } = z.toJSONSchema(shared, { target: 'draft-2020-12', io: 'input', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _, $id: __, ...schema }]) => [id, schema]));
}

const ref = (kind: 'schemas' | 'responses', name: string) => ({ $ref: `#/components/${kind}/${name}` });

function valueSchema(name: OpName) {
  if (has(FILE_OPS, name)) return ref('schemas', 'FileOut');
  if (has(NULL_OPS, name)) return { type: 'null' };
  return { description: `返回值的结构由 api/contract.ts 中「${name}」声明的输出类型给出,本文档暂未描述` };
}

const SESSION = [{ session: [] }, { sessionTls: [] }];
const SCOPED_ADMIN = { id: 0, username: '', displayName: '', role: 'admin', agencyCode: '(某机构)' } as const;

/** Who may call an operation, in words, from the same rules the dispatcher applies. */
function whoMay(name: OpName): string {
  const { right } = api[name];
  if (right === 'public') return '无需登录。';
  const roles = ROLES.filter((r) => can(r, right)).map((r) => ROLE_NAMES[r]).join('、');
  // An administrator limited to an agency holds every right, so a refusal of them is one of scope.
  const wholeLedger = refusal(SCOPED_ADMIN, name) !== null;
  return `需登录,角色:${roles}${wholeLedger ? ';且账号须管辖全部机构(不限于某一机构)' : ''}。`;
}

function operation(name: OpName) {
  const spec = api[name];
  const domain = name.split('/')[0] as Domain;
  const file = takesFile(name);
  const input = jsonSchema(spec.input);
  const empty = Object.keys((input.properties as object | undefined) ?? {}).length === 0;
  const notes = [
    whoMay(name),
    spec.writes ? '写操作:与其他写操作按到达顺序逐一执行,全部写入或全部不写,并记入审计日志。' : '',
    file ? '请求携带文件(base64 字段),服务器同时接收的文件数有限。' : '',
    empty ? '请求体可为空或 {}。' : '',
  ];
  const responses: Record<string, unknown> = {
    200: {
      description: '已处理:ok 为 true 时 value 为结果;ok 为 false 时未执行(输入无效、未登录、无权或业务上被拒),problems 给出中文原因',
      ...(SESSION_OPS.has(name) ? { headers: { 'Set-Cookie': { description: '成功时开始新会话(或退出时清除会话)的会话 Cookie', schema: { type: 'string' } } } } : {}),
      content: {
        'application/json': {
          schema: { oneOf: [{ type: 'object', required: ['ok', 'value'], properties: { ok: { const: true }, value: valueSchema(name) } }, ref('schemas', 'Failure')] },
        },
      },
    },
    400: ref('responses', 'BadJson'),
    403: ref('responses', 'CrossSite'),
    408: ref('responses', 'SlowBody'),
    413: ref('responses', 'TooLarge'),
    421: ref('responses', 'WrongHost'),
    500: ref('responses', 'InternalError'),
    ...(file ? { 503: ref('responses', 'UploadsBusy') } : {}),
  };
  return {
    post: {
      operationId: name.replace('/', '_'),
      tags: [domain],
      summary: OP_SUMMARIES[name],
      description: notes.filter(Boolean).join('\n'),
      'x-eql-right': spec.right,
      'x-eql-writes': spec.writes,
      security: spec.right === 'public' ? [{}, ...SESSION] : SESSION,
      requestBody: { required: !empty, content: { 'application/json': { schema: input } } },
      responses,
    },
  };
}

const refused = (description: string) => ({ description, content: { 'application/json': { schema: ref('schemas', 'Failure') } } });

const DESCRIPTION = `执法装备台账的 HTTP 接口,由 api/contract.ts 中的操作表(zod 模式)生成。

- 每个操作为 \`POST /api/<操作名>\`,请求体为 JSON(\`content-type: application/json\`),即该操作的输入。
- 应答为 HTTP 200 与结果信封:\`{ "ok": true, "value": … }\`,或 \`{ "ok": false, "problems": [{ "message": "…" }] }\`(中文原因,可带 field、row 等位置)。输入校验、登录与权限的拒绝都在信封中;4xx/5xx 仅用于请求本身被拒(JSON 无效、跨站、过大、超时、主机名不符)。
- 会话:先调用 auth/login,服务器以 HttpOnly、SameSite=Strict 的 Cookie 返回会话;此后每次请求带上该 Cookie;会话空闲超时(服务器的 --session-minutes)后须重新登录。HTTPS(局域网共享)时 Cookie 名为 __Host-eql_session 且为 Secure;仅本机的 HTTP 时为 eql_session。
- 请求须寻址到本服务器自己的主机名(本机名、其网络地址、--allow-host 所列名称),否则 421。请求若带 Origin 头,须与本服务器同源,否则 403;服务器之间的调用不带 Origin 即可。
- 限于某一机构的账号只能读写本机构及下级机构的数据。
- 本文档本身(GET ${OPENAPI_PATH})无需登录:它只描述接口的形状,不含任何台账数据。`;

/** The OpenAPI 3.1 document of the HTTP api: one path per operation of the contract, generated from its zod schemas. */
export function openApiDocument() {
  const names = Object.keys(api) as OpName[];
  const paths: Record<string, object> = {
    [OPENAPI_PATH]: {
      get: {
        operationId: 'openapi',
        summary: '本接口的 OpenAPI 3.1 文档',
        security: [{}],
        responses: { 200: { description: 'OpenAPI 文档', content: { 'application/json': { schema: { type: 'object' } } } }, 421: ref('responses', 'WrongHost') },
      },
    },
    ...Object.fromEntries(names.map((name) => [`/api/${name}`, operation(name)])),
  };
  return {
    openapi: '3.1.1',
    info: { title: '执法装备台账 API', version: pkg.version, description: DESCRIPTION },
    tags: (Object.keys(DOMAIN_NAMES) as Domain[]).map((d) => ({ name: d, description: DOMAIN_NAMES[d] })),
    paths,
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'eql_session', description: '仅本机的 HTTP 服务的会话 Cookie(auth/login 返回)' },
        sessionTls: { type: 'apiKey', in: 'cookie', name: '__Host-eql_session', description: '局域网 HTTPS 服务的会话 Cookie(auth/login 返回)' },
      },
      schemas: componentSchemas(),
      responses: {
        BadJson: refused('请求体不是有效的 JSON'),
        CrossSite: refused('拒绝跨站请求:Origin 与本服务器不同源'),
        SlowBody: refused('请求超时:未登录的调用须在几秒内发完请求体'),
        TooLarge: refused('请求过大:未登录时只接受几 KB 的请求体,已登录时带文件(base64 字段)的操作可远大于其他操作'),
        WrongHost: refused('请求的主机名不属于本服务器'),
        InternalError: refused('服务器内部错误,请稍后重试'),
        UploadsBusy: {
          ...refused('服务器正在接收其他文件,请稍后再试'),
          headers: { 'Retry-After': { description: '建议等待的秒数', schema: { type: 'integer' } } },
        },
      },
    },
  };
}

let served: string | undefined;

/** The document as the HTTP host sends it, built once: it depends only on the contract. */
export function openApiJson(): string {
  served ??= JSON.stringify(openApiDocument());
  return served;
}
