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

function hostsOf(hostList: string, portList: string | undefined): Target['hosts'] {
  const hosts = hostList.split(',').map((h) => h.trim()).filter(Boolean);
  const ports = (portList ?? '').split(',').map((p) => p.trim()).filter(Boolean);
  return hosts.map((entry, i) => {
    // A URL's host may carry its own port (a:5433); a bracketed IPv6 address keeps its colons.
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(entry);
    const host = (m?.[1] ?? entry).replace(/^\[|\]$/g, '');
    const port = Number(m?.[2] ?? ports[i] ?? ports[0] ?? DEFAULT_PORT);
    return { host, port };
  });
}

const wantsWrite = (attrs: string | null | undefined) => attrs === 'read-write' || attrs === 'primary';

/** Parses either form; a string it cannot read is refused with its reason (never echoing the password). */
export function parseTarget(text: string): Target {
  const url = /^(postgres(?:ql)?:\/\/)(?:([^@/]*)@)?([^/?#]*)([^?#]*)(?:\?([^#]*))?$/.exec(text.trim());
  if (url) {
    const [, , auth, hostList, path, query] = url;
    const params = new URLSearchParams(query ?? '');
    const attrs = params.get('target_session_attrs');
    params.delete('target_session_attrs');
    const [user, password] = (auth ?? '').split(':').map((s) => (s === undefined ? undefined : decodeURIComponent(s)));
    const ssl = params.get('sslmode');
    return {
      hosts: hostsOf(hostList || 'localhost', undefined),
      config: {
        user: user || undefined, password: password || undefined,
        database: decodeURIComponent(path.replace(/^\//, '')) || undefined,
        ssl: ssl && ssl !== 'disable' ? { rejectUnauthorized: ssl === 'verify-full' || ssl === 'verify-ca' } : undefined,
        application_name: params.get('application_name') ?? undefined,
      },
      readWrite: wantsWrite(attrs),
    };
  }
  const pairs = new Map<string, string>();
  // key=value pairs; a value may be quoted ('…', with \' and \\ inside).
  const re = /\s*([a-z_]+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S+))/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(text))) {
    pairs.set(m[1], m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3]);
    end = re.lastIndex;
  }
  if (!pairs.size || text.slice(end).trim()) throw new Error('无法识别的数据库连接串:应为 postgres://用户:密码@主机:端口/库名,或 host=… dbname=… 的形式');
  const ssl = pairs.get('sslmode');
  return {
    hosts: hostsOf(pairs.get('host') ?? 'localhost', pairs.get('port')),
    config: {
      user: pairs.get('user'), password: pairs.get('password'), database: pairs.get('dbname'),
      ssl: ssl && ssl !== 'disable' ? { rejectUnauthorized: ssl === 'verify-full' || ssl === 'verify-ca' } : undefined,
      application_name: pairs.get('application_name'),
    },
    readWrite: wantsWrite(pairs.get('target_session_attrs')),
  };
}

/** The connection string with its password hidden, for messages and logs. */
export function redactTarget(text: string): string {
  return text.replace(/(:\/\/[^:@/]*:)[^@]*@/, '$1***@').replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)/i, '$1***');
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
      const probe = new pg.Client({ ...this.target.config, host, port, connectionTimeoutMillis: this.poolConfig.connectionTimeoutMillis ?? 5000 });
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
        const pool = new pg.Pool({ ...this.poolConfig, ...this.target.config, host, port });
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
