import { readFileSync } from 'node:fs';
import pg from 'pg';

/**
 * A connection string naming one server or several (a primary and its standbys), in either of libpq's
 * forms: `postgres://user:pass@a:5432,b:5432/db?target_session_attrs=read-write` or
 * `host=a,b port=5432 dbname=db user=u password=p target_session_attrs=read-write`. node-postgres connects
 * to one host only, so the hosts are tried here, in order, the way libpq does.
 */
export interface Target {
  hosts: { host: string; port: number }[];
  /** Everything but the host: user, password, database, TLS and other settings node-postgres reads. */
  config: pg.ClientConfig;
  /** `target_session_attrs=read-write` (or `primary`): only a server that accepts writes will do. */
  readWrite: boolean;
}

const DEFAULT_PORT = 5432;
/**
 * How long a new connection may take to be answered, and a request to wait for one: a server that stopped
 * answering (hung, or the link cut without a reset) is reported unavailable instead of being waited for forever.
 */
const CONNECT_MS = 5000;

const UNREADABLE = '无法识别的数据库连接串:应为 postgres://用户:密码@主机:端口/库名,或 host=… dbname=… 的形式';

/** `strict` (a URL): an entry that is neither a name, an address nor a bracketed IPv6 address is refused, not dialled. */
function hostsOf(hostList: string, portList: string | undefined, strict: boolean): Target['hosts'] {
  const hosts = hostList.split(',').map((h) => h.trim()).filter(Boolean);
  const ports = (portList ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  return hosts.map((entry, i) => {
    // A URL's host may carry its own port (a:5433); a bracketed IPv6 address keeps its colons.
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    if (!m && strict) throw new Error(UNREADABLE);
    const host = (m?.[1] ?? entry).replace(/^\[|\]$/g, '');
    const portText = m?.[2] ?? ports[i] ?? ports[0] ?? String(DEFAULT_PORT);
    const port = Number(portText);
    if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw new Error(`数据库端口无效:${portText}`);
    return { host, port };
  });
}

const SSLMODES = new Set(['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']);

/**
 * libpq's sslmode as node-postgres's TLS options. A value libpq would not accept is refused: read as "some TLS",
 * a misspelt verify-full would connect without checking the server's certificate. verify-ca checks the chain
 * but not the name; sslrootcert names the CA file to check it against.
 */
function tlsOf(mode: string | null | undefined, rootCert: string | null | undefined): pg.ClientConfig['ssl'] {
  if (mode == null) return undefined;
  if (!SSLMODES.has(mode)) throw new Error(`sslmode 无效:${mode}(应为 ${[...SSLMODES].join('、')} 之一)`);
  if (mode === 'disable') return undefined;
  const verify = mode === 'verify-ca' || mode === 'verify-full';
  return {
    rejectUnauthorized: verify,
    ...(mode === 'verify-ca' ? { checkServerIdentity: () => undefined } : {}),
    ...(rootCert ? { ca: readRootCert(rootCert) } : {}),
  };
}

function readRootCert(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new Error(`无法读取 sslrootcert 所指的证书文件:${path}`);
  }
}

const wantsWrite = (attrs: string | null | undefined) => attrs === 'read-write' || attrs === 'primary';

/** Parses either form; a string it cannot read is refused with its reason (never echoing the password). */
export function parseTarget(text: string): Target {
  const url = /^(postgres(?:ql)?:\/\/)(?:([^/?#]*)@)?([^/?#@]*)([^?#]*)(?:\?([^#]*))?$/.exec(text.trim());
  if (url) {
    const [, , auth, hostList, path, query] = url;
    const params = new URLSearchParams(query ?? '');
    const attrs = params.get('target_session_attrs');
    params.delete('target_session_attrs');
    // The password is everything after the first colon (it may hold more); query parameters stand in for missing parts, as in libpq.
    const colon = (auth ?? '').indexOf(':');
    const [user, password] = (colon < 0 ? [auth ?? '', ''] : [auth!.slice(0, colon), auth!.slice(colon + 1)]).map(decodeURIComponent);
    return {
      hosts: hostsOf(hostList || params.get('host') || 'localhost', params.get('port') ?? undefined, !!hostList),
      config: {
        user: user || params.get('user') || undefined, password: password || params.get('password') || undefined,
        database: decodeURIComponent(path.replace(/^\//, '')) || params.get('dbname') || undefined,
        ssl: tlsOf(params.get('sslmode'), params.get('sslrootcert')),
        application_name: params.get('application_name') ?? undefined,
      },
      readWrite: wantsWrite(attrs),
    };
  }
  const pairs = new Map<string, string>();
  // key=value pairs; a value may be quoted ('…', with \' and \\ inside), and a quote left open is refused.
  const re = /\s*([a-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|([^'\s]\S*))/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(text))) {
    pairs.set(m[1], m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]);
    end = re.lastIndex;
  }
  if (!pairs.size || text.slice(end).trim()) throw new Error(UNREADABLE);
  return {
    hosts: hostsOf(pairs.get('host') ?? 'localhost', pairs.get('port'), false),
    config: {
      user: pairs.get('user'), password: pairs.get('password'), database: pairs.get('dbname'),
      ssl: tlsOf(pairs.get('sslmode'), pairs.get('sslrootcert')),
      application_name: pairs.get('application_name'),
    },
    readWrite: wantsWrite(pairs.get('target_session_attrs')),
  };
}

/** The connection string with its password hidden, for messages and logs. */
export function redactTarget(text: string): string {
  // Up to the last @: a password may hold one unescaped. Every password= (a later one is the one libpq uses).
  return text.replace(/(:\/\/[^:@/]*:).*@/, '$1***@').replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/gi, '$1***');
}

/**
 * A pool of connections to whichever listed server is the one to use: the first that answers (and, for
 * read-write, is not a standby). When a connection fails the pool is told, and the next connection looks
 * for the server again: after a restart the same one, after a fail-over the promoted standby.
 */
export class HostPool {
  private current: Promise<pg.Pool> | null = null;
  private live: pg.Pool | null = null;
  readonly options: pg.PoolConfig;

  constructor(private readonly target: Target, private readonly poolConfig: pg.PoolConfig) {
    this.options = poolConfig;
  }

  private async find(): Promise<pg.Pool> {
    let last: unknown = new Error('no host');
    for (const { host, port } of this.target.hosts) {
      const probe = new pg.Client({ ...this.target.config, host, port, connectionTimeoutMillis: this.poolConfig.connectionTimeoutMillis ?? CONNECT_MS });
      probe.on('error', () => undefined);
      try {
        await probe.connect();
        if (this.target.readWrite) {
          const { rows } = await probe.query<{ ro: string; standby: boolean }>(`select current_setting('transaction_read_only') as ro, pg_is_in_recovery() as standby`);
          if (rows[0].ro === 'on' || rows[0].standby) {
            last = Object.assign(new Error(`${host}:${port} 是只读的备用服务器`), { code: '25006' });
            continue;
          }
        }
        const pool = new pg.Pool({ connectionTimeoutMillis: CONNECT_MS, ...this.poolConfig, ...this.target.config, host, port });
        // A connection the server drops (restart, fail-over), idle in the pool or held between two statements
        // of a transaction, must not take the process down: the next query on it fails and is answered, and
        // the next connection looks for the server again.
        pool.on('error', () => this.drop(pool));
        pool.on('connect', (client) => client.on('error', () => this.drop(pool)));
        this.live = pool;
        return pool;
      } catch (e) {
        last = e;
      } finally {
        await probe.end().catch(() => undefined);
      }
    }
    throw last;
  }

  /** Lets go of a pool whose server went away; connections already handed out fail on their own. */
  private drop(pool: pg.Pool): void {
    if (this.live !== pool) return;
    this.live = null;
    this.current = null;
    void pool.end().catch(() => undefined);
  }

  private pool(): Promise<pg.Pool> {
    this.current ??= this.find().catch((e: unknown) => {
      this.current = null;
      throw e;
    });
    return this.current;
  }

  async connect(): Promise<pg.PoolClient> {
    const pool = await this.pool();
    try {
      return await pool.connect();
    } catch (e) {
      this.drop(pool);
      throw e;
    }
  }

  async query<R extends pg.QueryResultRow>(text: string, values?: unknown[]): Promise<pg.QueryResult<R>> {
    const client = await this.connect();
    try {
      return await client.query<R>(text, values);
    } finally {
      client.release();
    }
  }

  async end(): Promise<void> {
    const pool = this.live;
    this.live = null;
    this.current = null;
    await pool?.end().catch(() => undefined);
  }
}
