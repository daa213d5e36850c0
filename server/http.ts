import { CSP, SCAN_PAGE_CSP } from '../lib/csp';
import { UserError } from '../lib/problems';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { openApiJson, OPENAPI_PATH } from '../api/openapi';
import { takesFile } from '../api/uploads';
import { callContext, isLoopbackAddress, type Context, type Ledger } from './context';
import { dispatch, isOpName } from './dispatch';
import { hostOf, LOOPBACK_HOSTS } from './hosts';

/** Bodies a caller who is not signed in may send: a name and a password fit many times over. */
export const ANONYMOUS_BODY = 8 * 1024;
/** Bodies of signed-in callers, for every operation that takes no file. */
export const SIGNED_IN_BODY = 16 * 1024 * 1024;
/** Bodies of operations that take a file (base64, at most 300 MiB of it, in JSON). */
export const FILE_BODY = 300 * 1024 * 1024 + 64 * 1024;
/** Files received and worked on at once; more are asked to wait. */
export const DEFAULT_MAX_UPLOADS = 2;
/**
 * A file whose body is at most this large (a few thousand rows) takes a share of a turn, so that this many of them
 * go in one turn: a county's everyday import does not wait behind another's while that one waits to be written.
 */
const SMALL_FILE_BODY = 1024 * 1024;
const SMALL_FILES_PER_TURN = 8;
/** How long a file waits for a turn, and how many may wait for each turn, before one is refused as busy. */
export const UPLOAD_WAIT_MS = 20_000;
const UPLOADS_WAITING = 16;
/** The time a caller who is not signed in has to send its small body. */
export const ANONYMOUS_BODY_MS = 10_000;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.json': 'application/json', '.wasm': 'application/wasm',
};

const LOOPBACK = new Set(LOOPBACK_HOSTS);

/** The session cookie: over TLS it is `Secure` and `__Host-` (this host only, path /, no Domain). */
const COOKIE = 'eql_session';
const TLS_COOKIE = '__Host-eql_session';

/**
 * Where a scanned label's address (`/a/TAG`, printed by labels/pdf) leads: the ledger in the web UI filtered to that
 * tag, where the app asks for sign-in first and keeps the address. Undefined: not a label's address; null: a malformed one.
 */
export function assetLinkTarget(url: string): string | null | undefined {
  const m = /^\/a\/([^/?#]+)\/?(?:[?#].*)?$/.exec(url);
  if (!m) return undefined;
  let tag: string;
  try {
    tag = decodeURIComponent(m[1]);
  } catch {
    return null;
  }
  if (!tag.trim() || tag.length > 100) return null;
  return `/#/ledger?${new URLSearchParams({ q: tag })}`;
}

function send(res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8', extra: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra });
  res.end(body);
}

const refuse = (res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}) =>
  send(res, status, JSON.stringify({ ok: false, problems: [{ message }] }), undefined, extra);

/** Answers and hangs up without reading what is left of the request (refused before or while its body is read). */
function refuseAndClose(req: IncomingMessage, res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}) {
  res.once('finish', () => setTimeout(() => req.socket.destroy(), 1_000).unref());
  refuse(res, status, message, { ...extra, connection: 'close' });
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

type Body = { text: string } | { refused: 413 | 408 } | { gone: true };

/**
 * Reads a body of at most `limit` bytes within `ms` (if given); stops reading at once when either
 * is passed, or when the caller hangs up.
 */
function readBody(req: IncomingMessage, limit: number, ms?: number): Promise<Body> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    const finish = (body: Body) => {
      clearTimeout(timer);
      req.removeAllListeners('data');
      resolve(body);
    };
    const stop = (refused: 413 | 408) => {
      req.pause();
      finish({ refused });
    };
    if (ms !== undefined) timer = setTimeout(() => stop(408), ms);
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) stop(413);
      else chunks.push(c);
    });
    req.on('end', () => finish({ text: Buffer.concat(chunks).toString('utf8') }));
    req.on('error', () => finish({ gone: true }));
    req.on('close', () => finish({ gone: true }));
  });
}

function serveStatic(root: string, urlPath: string, res: ServerResponse) {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath.split('?')[0]);
  } catch {
    return send(res, 400, 'bad request', 'text/plain');
  }
  const rel = normalize(decoded).replace(/^([/\\])+/, '');
  // The phone page (a second page of the renderer's build) has its own address.
  let file = join(root, rel === 'scan' ? 'scan.html' : rel);
  if (!file.startsWith(root + sep) && file !== root) return send(res, 403, 'forbidden', 'text/plain');
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
  if (!existsSync(file)) return send(res, 503, '界面尚未构建:请先运行 npm run build:renderer', 'text/plain; charset=utf-8');
  const headers: Record<string, string> = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff' };
  if (extname(file) === '.html') Object.assign(headers, { 'content-security-policy': file.endsWith(`${sep}scan.html`) ? SCAN_PAGE_CSP : CSP, 'cache-control': 'no-store' });
  const stream = createReadStream(file);
  // A file that vanishes or cannot be read between the check and the read ends this answer, not the server.
  stream.once('error', () => (res.headersSent ? res.destroy() : send(res, 500, 'read error', 'text/plain')));
  stream.once('open', () => {
    res.writeHead(200, headers);
    stream.pipe(res);
  });
}

export interface HttpOptions {
  /**
   * LAN mode: requests may name, besides loopback, only these hosts (the machine's own addresses and
   * names and the bureau's allow-list), so a rebinding domain is refused; sign-in is required.
   */
  lan?: { hosts: Iterable<string> };
  /** Serve HTTPS with this certificate and key (PEM); the session cookie is then `Secure`. */
  tls?: { cert: string; key: string };
  /** Files received and worked on at once (DEFAULT_MAX_UPLOADS). */
  maxUploads?: number;
  /** How long a further file waits for one of those to finish before it is refused (UPLOAD_WAIT_MS). */
  uploadWaitMs?: number;
  /** The time a caller who is not signed in has to send its body (ANONYMOUS_BODY_MS). */
  anonymousBodyMs?: number;
}

/**
 * Hosts the api over HTTP(S) and the built renderer. Sessions ride in an HttpOnly, SameSite=Strict
 * cookie. Requests must name one of this server's hosts (no DNS rebinding); api calls must come
 * from the page itself (no cross-site requests). No request, however malformed, ends the process.
 */
export function createHttpServer(ledger: Ledger, rendererRoot: string, options: HttpOptions = {}): Server {
  const hosts = new Set([...LOOPBACK, ...(options.lan ? [...options.lan.hosts].map((h) => h.toLowerCase()) : [])]);
  const scheme = options.tls ? 'https:' : 'http:';
  const cookieName = options.tls ? TLS_COOKIE : COOKIE;
  const cookieTail = `Path=/; HttpOnly; SameSite=Strict${options.tls ? '; Secure' : ''}`;
  const maxUploads = options.maxUploads ?? DEFAULT_MAX_UPLOADS;
  const uploadWaitMs = options.uploadWaitMs ?? UPLOAD_WAIT_MS;
  // Turns are counted in shares: a small file takes one, any other file a whole turn's worth.
  const shares = maxUploads * SMALL_FILES_PER_TURN;
  let taken = 0;
  // Files waiting for a turn, first come first served: their bodies are not read meanwhile, so waiting costs no memory.
  const turns: { need: number; take: () => void }[] = [];
  const handOn = () => {
    while (turns.length && taken + turns[0].need <= shares) {
      const next = turns.shift()!;
      taken += next.need;
      next.take();
    }
  };
  const uploadTurn = (need: number) => new Promise<boolean>((done) => {
    if (!turns.length && taken + need <= shares) return (taken += need, done(true));
    if (turns.length >= maxUploads * UPLOADS_WAITING || uploadWaitMs <= 0) return done(false);
    const waiting = { need, take: () => (clearTimeout(timer), done(true)) };
    const timer = setTimeout(() => (turns.splice(turns.indexOf(waiting), 1), handOn(), done(false)), uploadWaitMs);
    turns.push(waiting);
  });
  // A finished file hands its share on to those waiting.
  const uploadDone = (need: number) => {
    taken -= need;
    handOn();
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const host = options.lan ? hostOf(req.headers.host) : (req.headers.host ?? '').replace(/:\d+$/, '');
    if (!hosts.has(host)) return refuseAndClose(req, res, 421, options.lan ? '请求的主机名不属于本服务器' : '仅接受本机访问');
    const url = req.url ?? '/';
    if (!url.startsWith('/api/')) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', 'text/plain');
      const label = assetLinkTarget(url);
      if (label !== undefined) return label === null ? send(res, 400, '标签地址无效', 'text/plain; charset=utf-8') : send(res, 302, '', 'text/plain', { location: label });
      return serveStatic(rendererRoot, url, res);
    }
    if (url.split('?')[0] === OPENAPI_PATH) {
      // Public: it holds the api's shape only, which the renderer's bundle shows anyone who can reach the sign-in page.
      if (req.method !== 'GET' && req.method !== 'HEAD') return refuseAndClose(req, res, 405, '仅支持 GET', { allow: 'GET, HEAD' });
      return send(res, 200, openApiJson(), undefined, { 'content-security-policy': "default-src 'none'; frame-ancestors 'none'" });
    }
    if (req.method !== 'POST') return refuseAndClose(req, res, 405, '仅支持 POST');
    const origin = req.headers.origin;
    if (origin !== undefined) {
      const from = URL.canParse(origin) ? new URL(origin) : null;
      if (!from || from.protocol !== scheme || from.host !== req.headers.host) return refuseAndClose(req, res, 403, '拒绝跨站请求');
    }
    const name = url.slice('/api/'.length).split('?')[0];
    if (!isOpName(name)) return refuseAndClose(req, res, 404, `未知操作「${name}」`);

    // Who is calling decides how much body to accept, so the cookie is read before the body.
    let setCookie: string | undefined;
    let ctx: Context;
    try {
      ctx = await callContext(ledger, cookie(req, cookieName), (token) => {
        setCookie = token === null ? `${cookieName}=; ${cookieTail}; Max-Age=0` : `${cookieName}=${token}; ${cookieTail}`;
      }, { address: req.socket.remoteAddress ?? '', loopback: isLoopbackAddress(req.socket.remoteAddress) });
    } catch (e) {
      // The database could not be asked who the caller is (restarting, failing over).
      if (e instanceof UserError) return send(res, 200, JSON.stringify({ ok: false, problems: e.problems }));
      throw e;
    }
    const file = ctx.user !== null && takesFile(name);
    const limit = ctx.user === null ? ANONYMOUS_BODY : file ? FILE_BODY : SIGNED_IN_BODY;
    const tooLarge = ctx.user === null ? '请求过大:请先登录' : `请求过大:超过 ${Math.round(limit / 1024 / 1024)} MB`;
    const declared = req.headers['content-length'] === undefined ? undefined : Number(req.headers['content-length']);
    if ((declared ?? 0) > limit) return refuseAndClose(req, res, 413, tooLarge);
    const need = (declared ?? FILE_BODY) <= SMALL_FILE_BODY ? 1 : SMALL_FILES_PER_TURN;
    if (file && !(await uploadTurn(need))) return refuseAndClose(req, res, 503, '服务器正在接收其他文件,请稍后再试', { 'retry-after': '10' });
    try {
      const body = await readBody(req, limit, ctx.user === null ? (options.anonymousBodyMs ?? ANONYMOUS_BODY_MS) : undefined);
      if ('gone' in body) return res.destroy();
      if ('refused' in body) return refuseAndClose(req, res, body.refused, body.refused === 413 ? tooLarge : '请求超时');
      let input: unknown;
      try {
        input = body.text ? JSON.parse(body.text) : {};
      } catch (e) {
        return refuse(res, 400, `请求无效:${(e as Error).message}`);
      }
      const result = await dispatch(ctx, name, input);
      return send(res, 200, JSON.stringify(result), undefined, setCookie ? { 'set-cookie': setCookie } : {});
    } finally {
      if (file) uploadDone(need);
    }
  }

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch((e: unknown) => {
      console.error('[http]', req.method, req.url, e);
      if (!res.headersSent) refuse(res, 500, '服务器内部错误,请稍后重试');
      else res.destroy();
    });
  };
  const server: Server = options.tls ? createTlsServer({ cert: options.tls.cert, key: options.tls.key }, onRequest) : createServer(onRequest);
  // Slow clients cannot hold connections open: headers within 30 s, a whole request (a large upload) within 10 minutes.
  server.headersTimeout = 30_000;
  server.requestTimeout = 10 * 60_000;
  return server;
}

export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}
