import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { callContext, type Ledger } from './context';
import { dispatch } from './dispatch';

const MAX_BODY = 400 * 1024 * 1024;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.json': 'application/json',
};
export const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

const COOKIE = 'eql_session';

function send(res: ServerResponse, status: number, body: string, type = 'application/json; charset=utf-8', extra: Record<string, string> = {}) {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...extra });
  res.end(body);
}

function cookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('请求过大'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function serveStatic(root: string, urlPath: string, res: ServerResponse) {
  const rel = normalize(decodeURIComponent(urlPath.split('?')[0])).replace(/^([/\\])+/, '');
  let file = join(root, rel);
  if (!file.startsWith(root + sep) && file !== root) return send(res, 403, 'forbidden', 'text/plain');
  if (!existsSync(file) || statSync(file).isDirectory()) file = join(root, 'index.html');
  if (!existsSync(file)) return send(res, 503, '界面尚未构建:请先运行 npm run build:renderer', 'text/plain; charset=utf-8');
  const headers: Record<string, string> = { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'x-content-type-options': 'nosniff' };
  if (extname(file) === '.html') Object.assign(headers, { 'content-security-policy': CSP, 'cache-control': 'no-store' });
  res.writeHead(200, headers);
  createReadStream(file).pipe(res);
}

export interface HttpOptions {
  /** Accept any Host header (the server is bound to a LAN address and sign-in is required). */
  lan?: boolean;
}

/**
 * Hosts the api over HTTP and the built renderer. Sessions ride in an HttpOnly, SameSite=Strict
 * cookie. On loopback, requests must name a loopback host (no DNS rebinding); api calls must come
 * from the page itself (no cross-site requests).
 */
export function createHttpServer(ledger: Ledger, rendererRoot: string, options: HttpOptions = {}): Server {
  return createServer(async (req, res) => {
    const host = (req.headers.host ?? '').replace(/:\d+$/, '');
    if (!options.lan && !LOOPBACK.has(host)) return send(res, 421, JSON.stringify({ ok: false, problems: [{ message: '仅接受本机访问' }] }));
    const url = req.url ?? '/';
    if (url.startsWith('/api/')) {
      if (req.method !== 'POST') return send(res, 405, JSON.stringify({ ok: false, problems: [{ message: '仅支持 POST' }] }));
      const origin = req.headers.origin;
      if (origin && new URL(origin).host !== req.headers.host) return send(res, 403, JSON.stringify({ ok: false, problems: [{ message: '拒绝跨站请求' }] }));
      let input: unknown;
      try {
        const body = await readBody(req);
        input = body ? JSON.parse(body) : {};
      } catch (e) {
        return send(res, 400, JSON.stringify({ ok: false, problems: [{ message: `请求无效:${(e as Error).message}` }] }));
      }
      let setCookie: string | undefined;
      const ctx = callContext(ledger, cookie(req, COOKIE), (token) => {
        setCookie = token === null
          ? `${COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`
          : `${COOKIE}=${token}; Path=/; HttpOnly; SameSite=Strict`;
      });
      const result = await dispatch(ctx, url.slice('/api/'.length).split('?')[0], input);
      return send(res, 200, JSON.stringify(result), undefined, setCookie ? { 'set-cookie': setCookie } : {});
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed', 'text/plain');
    serveStatic(rendererRoot, url, res);
  });
}

export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(server.address() as AddressInfo));
  });
}
