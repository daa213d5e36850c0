import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { describe, expect, it, onTestFinished } from 'vitest';
import { openApiDocument, OPENAPI_PATH } from '../../api/openapi';
import { takesFile } from '../../api/uploads';
import { ANONYMOUS_BODY, createHttpServer, listen, type HttpOptions } from '../../server/http';
import { count, testLedger } from '../fixtures/engine';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

interface Call {
  method?: string;
  path: string;
  headers?: OutgoingHttpHeaders;
  body?: string;
  /** Over TLS, trusting this certificate for this server name. */
  tls?: { ca: string; servername: string };
}

/** One request on its own connection, answered in full. */
function call(port: number, { method = 'POST', path, headers = {}, body, tls }: Call): Promise<Reply> {
  return new Promise((done, fail) => {
    const options = { host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers }, agent: false as const };
    const req = tls ? httpsRequest({ ...options, ca: tls.ca, servername: tls.servername }) : httpRequest(options);
    req.on('response', (res) => {
      res.on('error', fail);
      res.on('aborted', () => fail(new Error('aborted')));
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

const api = (port: number, name: string, input: unknown, headers: OutgoingHttpHeaders = {}) =>
  call(port, { path: `/api/${name}`, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(input) });

const cookieOf = (r: Reply) => String(r.headers['set-cookie']?.[0] ?? '').split(';')[0];

/** The app's server on a fresh ledger, on a free loopback port, with a renderer of one page. */
async function start(options: HttpOptions = {}) {
  const l = await testLedger();
  const root = join(l.dir, 'renderer');
  mkdirSync(root);
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>台账</title>');
  const ledger = l.ledger;
  const server = createHttpServer(ledger, root, options);
  const { port } = await listen(server, 0, '127.0.0.1');
  onTestFinished(() => new Promise<void>((done) => {
    server.closeAllConnections();
    server.close(() => done());
  }));
  return { port, l, ledger, root, server };
}

async function stillServes(port: number) {
  const r = await api(port, 'auth/status', {});
  expect(r.status).toBe(200);
  expect(JSON.parse(r.body)).toMatchObject({ ok: true });
}

describe('one request never takes the server down', () => {
  it('refuses a page that sends Origin: null with 403 and answers the next request', async () => {
    const { port } = await start();
    const r = await api(port, 'auth/status', {}, { origin: 'null' });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body).problems[0].message).toBe('拒绝跨站请求');
    expect((await api(port, 'auth/status', {}, { origin: 'not a url at all' })).status).toBe(403);
    await stillServes(port);
  });

  it('answers a malformed escape in the path (/%E0%A4%A) with 400 and goes on', async () => {
    const { port } = await start();
    expect((await call(port, { method: 'GET', path: '/%E0%A4%A' })).status).toBe(400);
    expect((await call(port, { method: 'GET', path: '/%' })).status).toBe(400);
    expect((await call(port, { method: 'GET', path: '/' })).body).toContain('台账');
    await stillServes(port);
  });

  it('answers a database error while looking up the session with 500, and serves the page afterwards', async () => {
    const { port, l } = await start();
    const setup = await api(port, 'auth/setup', { username: 'admin', displayName: '管理员', password: 'correct horse' });
    expect(JSON.parse(setup.body)).toMatchObject({ ok: true });
    // The database fails under the server: the file's connection closed, or the provincial database's pool.
    if (l.engine === 'sqlite') l.ledger.db.$client.close();
    else await l.store.close();
    const r = await api(port, 'users/list', {}, { cookie: cookieOf(setup) });
    expect(r.status).toBe(500);
    expect(JSON.parse(r.body).problems[0].message).toContain('服务器内部错误');
    expect((await call(port, { method: 'GET', path: '/' })).status).toBe(200);
  });

  it.skipIf(process.platform !== 'linux')('ends only the answer of a static file that fails while it is read', async () => {
    const { port, root } = await start();
    // Opens, then fails on the first read (EIO).
    symlinkSync('/proc/self/mem', join(root, 'broken.js'));
    await expect(call(port, { method: 'GET', path: '/broken.js' })).rejects.toThrow();
    expect((await call(port, { method: 'GET', path: '/' })).status).toBe(200);
    await stillServes(port);
  });
});

describe('bodies are read only as far as the caller may send', () => {
  it('refuses an oversized body from a caller who is not signed in with 413 before it has been sent', async () => {
    const { port } = await start();
    const status = await new Promise<number>((done, fail) => {
      const req = httpRequest({
        host: '127.0.0.1', port, method: 'POST', path: '/api/auth/login', agent: false,
        headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/json', 'content-length': String(300 * 1024 * 1024) },
      });
      req.on('response', (res) => {
        done(res.statusCode!);
        req.destroy();
      });
      req.on('error', fail);
      // Only the first 64 KB of the announced 300 MB ever leave: the answer comes before the rest.
      req.write(Buffer.alloc(64 * 1024, 'x'));
    });
    expect(status).toBe(413);
    await stillServes(port);
  });

  it('stops reading a body with no announced length once it passes the limit for a caller who is not signed in', async () => {
    const { port } = await start();
    const r = await call(port, { path: '/api/auth/login', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' }, body: JSON.stringify({ username: 'x'.repeat(ANONYMOUS_BODY), password: 'y' }) });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body).problems[0].message).toContain('请先登录');
    await stillServes(port);
  });

  it('hangs up on a caller who is not signed in and sends its small body too slowly', async () => {
    const { port } = await start({ anonymousBodyMs: 200 });
    const status = await new Promise<number>((done, fail) => {
      const req = httpRequest({
        host: '127.0.0.1', port, method: 'POST', path: '/api/auth/login', agent: false,
        headers: { host: `127.0.0.1:${port}`, 'content-type': 'application/json', 'content-length': '100' },
      });
      req.on('response', (res) => {
        done(res.statusCode!);
        req.destroy();
      });
      req.on('error', fail);
      req.write('{"username":'); // and nothing more
    });
    expect(status).toBe(408);
    await stillServes(port);
  });

  it('takes files only in the operations that carry one', () => {
    expect(takesFile('imports/open')).toBe(true);
    expect(takesFile('budget/importTerms')).toBe(true);
    expect(takesFile('auth/login')).toBe(false);
    expect(takesFile('constructor')).toBe(false);
  });

  it('refuses a signed-in user\'s file as busy once it has waited its time for a turn', async () => {
    const { port } = await start({ maxUploads: 1, uploadWaitMs: 0 });
    const setup = await api(port, 'auth/setup', { username: 'admin', displayName: '管理员', password: 'correct horse' });
    const cookie = cookieOf(setup);
    // The first upload is under way: its body is announced and not yet complete.
    const first = httpRequest({
      host: '127.0.0.1', port, method: 'POST', path: '/api/imports/open', agent: false,
      headers: { host: `127.0.0.1:${port}`, cookie, 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) },
    });
    first.on('error', () => undefined);
    await new Promise<void>((done) => first.write(Buffer.from('{"fileName":"a.xlsx","base64":"'), () => done()));
    // The server has the first request once its session has been looked up; ask until then.
    let second: Reply;
    do second = await api(port, 'imports/open', { fileName: 'b.xlsx', base64: 'UEs=' }, { cookie });
    while (second.status === 200);
    expect(second.status).toBe(503);
    expect(JSON.parse(second.body).problems[0].message).toBe('服务器正在接收其他文件,请稍后再试');
    first.destroy();
    // Once the first has gone, files are taken again.
    let third: Reply;
    do third = await api(port, 'imports/open', { fileName: 'c.xlsx', base64: 'UEs=' }, { cookie });
    while (third.status === 503);
    expect(third.status).toBe(200);
  });

  it('takes a county\'s small file at once while another small file is being received, and a large one only in a whole turn', async () => {
    const { port } = await start({ maxUploads: 1, uploadWaitMs: 0 });
    const cookie = cookieOf(await api(port, 'auth/setup', { username: 'admin', displayName: '管理员', password: 'correct horse' }));
    const sending = (bytes: number) => {
      const req = httpRequest({
        host: '127.0.0.1', port, method: 'POST', path: '/api/imports/open', agent: false,
        headers: { host: `127.0.0.1:${port}`, cookie, 'content-type': 'application/json', 'content-length': String(bytes) },
      });
      req.on('error', () => undefined);
      return new Promise<typeof req>((done) => req.write(Buffer.from('{"fileName":"a.xlsx","base64":"'), () => done(req)));
    };
    const small = await sending(100 * 1024);
    await new Promise((r) => setTimeout(r, 300)); // the server holds the small file's share
    const other = await api(port, 'imports/open', { fileName: 'b.xlsx', base64: 'UEs=' }, { cookie });
    expect(other.status).toBe(200);
    expect(JSON.parse(other.body).problems?.[0]?.message ?? '').not.toContain('服务器正在接收其他文件');
    // A file that may be as large as allowed waits for the whole turn, which the small one still holds.
    const large = httpRequest({
      host: '127.0.0.1', port, method: 'POST', path: '/api/imports/open', agent: false,
      headers: { host: `127.0.0.1:${port}`, cookie, 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) },
    });
    const status = await new Promise<number>((done) => {
      large.on('response', (res) => (res.resume(), done(res.statusCode ?? 0)));
      large.on('error', () => done(0));
      large.write(Buffer.from('{"fileName":"c.xlsx","base64":"'));
    });
    expect(status).toBe(503);
    small.destroy();
    large.destroy();
  });

  it('lets a file sent while as many as allowed are being received wait its turn, and answers it once one is done', async () => {
    const { port } = await start({ maxUploads: 1, uploadWaitMs: 30_000 });
    const cookie = cookieOf(await api(port, 'auth/setup', { username: 'admin', displayName: '管理员', password: 'correct horse' }));
    const first = httpRequest({
      host: '127.0.0.1', port, method: 'POST', path: '/api/imports/open', agent: false,
      headers: { host: `127.0.0.1:${port}`, cookie, 'content-type': 'application/json', 'content-length': String(10 * 1024 * 1024) },
    });
    first.on('error', () => undefined);
    await new Promise<void>((done) => first.write(Buffer.from('{"fileName":"a.xlsx","base64":"'), () => done()));
    await new Promise((r) => setTimeout(r, 300)); // the server holds the first file's turn
    let answered = false;
    const second = api(port, 'imports/open', { fileName: 'b.xlsx', base64: 'UEs=' }, { cookie }).then((r) => ((answered = true), r));
    await new Promise((r) => setTimeout(r, 500));
    expect(answered).toBe(false); // waiting, not refused
    first.destroy();
    const reply = await second;
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body).problems?.[0]?.message ?? '').not.toContain('服务器正在接收其他文件');
  });
});

/** A certificate and key as a bureau would give them, for a name of its own. */
async function bureauCertificate(name: string) {
  const pems = await generate([{ name: 'commonName', value: name }], {
    keyType: 'ec', algorithm: 'sha256',
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 2, value: name }] }],
  });
  return { cert: pems.cert, key: pems.private };
}

describe('LAN mode', () => {
  const NAME = 'ledger.bureau.example';

  it('refuses a rebinding host name with 421 and a page of another origin with 403, over HTTPS', async () => {
    const tls = await bureauCertificate(NAME);
    const { port } = await start({ lan: { hosts: [NAME] }, tls });
    const over = { ca: tls.cert, servername: NAME };
    const status = (host: string, origin?: string) =>
      call(port, { path: '/api/auth/status', tls: over, body: '{}', headers: { host, 'content-type': 'application/json', ...(origin ? { origin } : {}) } });
    const rebound = await status(`rebind.attacker.example:${port}`, `https://rebind.attacker.example:${port}`);
    expect(rebound.status).toBe(421);
    expect(JSON.parse(rebound.body).problems[0].message).toBe('请求的主机名不属于本服务器');
    expect((await status(`${NAME}:${port}`, `https://rebind.attacker.example:${port}`)).status).toBe(403);
    expect((await status(`${NAME}:${port}`, `http://${NAME}:${port}`)).status).toBe(403);
    expect((await status(`${NAME}:${port}`, `https://${NAME}:${port}`)).status).toBe(200);
    expect((await status(`${NAME.toUpperCase()}:${port}`)).status).toBe(200);
  });

  it('signs in over TLS with a Secure, host-only session cookie', async () => {
    const tls = await bureauCertificate(NAME);
    const { port } = await start({ lan: { hosts: [NAME] }, tls });
    const over = { ca: tls.cert, servername: NAME };
    const post = (name: string, input: unknown, cookie?: string) => call(port, {
      path: `/api/${name}`, tls: over, body: JSON.stringify(input),
      headers: { host: `${NAME}:${port}`, 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    });
    const setup = await post('auth/setup', { username: 'admin', displayName: '管理员', password: 'correct horse' });
    const set = String(setup.headers['set-cookie']?.[0]);
    expect(set).toMatch(/^__Host-eql_session=[\w-]+; Path=\/; HttpOnly; SameSite=Strict; Secure$/);
    const status = JSON.parse((await post('auth/status', {}, cookieOf(setup))).body);
    expect(status.value.user.username).toBe('admin');
    // The plain cookie name of the loopback server means nothing here.
    const plain = JSON.parse((await post('auth/status', {}, cookieOf(setup).replace('__Host-', ''))).body);
    expect(plain.value.user).toBeNull();
  });
});

describe('the OpenAPI document', () => {
  const NAME = 'ledger.bureau.example';

  it('is served to a caller who is not signed in as JSON that runs no script: the document the contract generates', async () => {
    const { port } = await start();
    const r = await call(port, { method: 'GET', path: OPENAPI_PATH });
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(JSON.parse(r.body)).toEqual(openApiDocument());
    const head = await call(port, { method: 'HEAD', path: `${OPENAPI_PATH}?v=1` });
    expect([head.status, head.body]).toEqual([200, '']);
    const post = await call(port, { path: OPENAPI_PATH, body: '{}' });
    expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD']);
    await stillServes(port);
  });

  it('names the session cookie the loopback server sets, and the login answer that sets it', async () => {
    const { port } = await start();
    const doc = openApiDocument();
    const setup = await api(port, 'auth/setup', { username: 'admin', displayName: '管理员', password: 'correct horse' });
    expect(cookieOf(setup).split('=')[0]).toBe(doc.components.securitySchemes.session.name);
    const paths = doc.paths as Record<string, { post: { responses: Record<string, object> } }>;
    expect(paths['/api/auth/setup'].post.responses[200]).toHaveProperty('headers.Set-Cookie');
  });

  it('keeps the LAN server’s host rule: served over HTTPS to its own name without sign-in, refused to a rebinding name, cookie named as set', async () => {
    const tls = await bureauCertificate(NAME);
    const { port } = await start({ lan: { hosts: [NAME] }, tls });
    const over = { ca: tls.cert, servername: NAME };
    const get = (host: string) => call(port, { method: 'GET', path: OPENAPI_PATH, tls: over, headers: { host } });
    const own = await get(`${NAME}:${port}`);
    expect(own.status).toBe(200);
    expect(JSON.parse(own.body).openapi).toMatch(/^3\.1\./);
    expect((await get(`rebind.attacker.example:${port}`)).status).toBe(421);
    const setup = await call(port, {
      path: '/api/auth/setup', tls: over, body: JSON.stringify({ username: 'admin', displayName: '管理员', password: 'correct horse' }),
      headers: { host: `${NAME}:${port}`, 'content-type': 'application/json' },
    });
    expect(cookieOf(setup).split('=')[0]).toBe(openApiDocument().components.securitySchemes.sessionTls.name);
  });
});

/** An address of this machine that is not loopback, as other computers on the LAN reach it. */
const lanAddress = Object.values(networkInterfaces()).flat().find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

describe('the caller\'s address', () => {
  it.skipIf(!lanAddress)('reaches the handlers: the first administrator is refused to a caller from another address', async () => {
    const tls = await bureauCertificate('ledger.bureau.example');
    const l = await testLedger();
    const server = createHttpServer(l.ledger, l.dir, { lan: { hosts: [lanAddress!, 'ledger.bureau.example'] }, tls });
    const { port } = await listen(server, 0, lanAddress!);
    onTestFinished(() => new Promise<void>((done) => server.close(() => done())));
    const setup = await new Promise<Reply>((done, fail) => {
      const req = httpsRequest({
        host: lanAddress, port, method: 'POST', path: '/api/auth/setup', agent: false, ca: tls.cert, servername: 'ledger.bureau.example',
        headers: { host: `${lanAddress}:${port}`, 'content-type': 'application/json' },
      }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => done({ status: res.statusCode!, headers: res.headers, body }));
      });
      req.on('error', fail);
      req.end(JSON.stringify({ username: 'stranger', displayName: '路人', password: 'correct horse' }));
    });
    expect(JSON.parse(setup.body).problems[0].message).toContain('只能在运行台账的本机上创建');
    expect(await count(l, 'users')).toBe(0);
  });
});
