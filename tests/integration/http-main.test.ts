import { spawn } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join, resolve } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { hashPassword } from '../../server/auth/password';
import { seedUser } from '../fixtures/db';
import { tempLedger } from '../fixtures/factories';

// The LAN server started on a ledger file keeps its certificate beside the file: a test of the file alone
// (tests/integration/http.test.ts tests the server itself on both engines).

/** Starts `npm run web`'s server on a LAN address of this machine and reads what it prints until it listens. */
function startMain(args: string[]): Promise<{ out: string; port: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', resolve('server/main.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stop = () => new Promise<void>((done) => {
    if (child.exitCode !== null) return done();
    child.once('exit', () => done());
    child.kill('SIGTERM');
  });
  onTestFinished(stop);
  return new Promise((done, fail) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const port = /https:\/\/[^\s/]+:(\d+)\//.exec(out);
      if (port && out.includes('指纹')) done({ out, port: Number(port[1]), stop });
    });
    child.stderr.on('data', (c: Buffer) => (err += c.toString('utf8')));
    child.once('exit', (code) => fail(new Error(`server exited ${code}: ${out}${err}`)));
  });
}

describe('the LAN server as started from the command line', () => {
  it.skipIf(process.platform !== 'linux')('generates its certificate beside the ledger on first start, prints its fingerprint, and keeps it', { timeout: 60_000 }, async () => {
    const { db, file, dir } = tempLedger();
    await seedUser(db, { actor: 'seed', at: '2026-11-23T00:00:00Z' }, { username: 'admin', displayName: '管理员', role: 'admin', agencyCode: null }, await hashPassword('correct horse'));
    db.$client.close();
    // 127.0.0.2 is this machine but not the loopback name the server treats as local-only.
    const args = ['--db', file, '--host', '127.0.0.2', '--port', '0', '--allow-host', 'ledger.bureau.example'];
    const first = await startMain(args);
    const pem = readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8');
    const fingerprint = new X509Certificate(pem).fingerprint256;
    expect(first.out).toContain(`证书 SHA-256 指纹:${fingerprint}`);
    expect(first.out).toContain('已生成证书');
    const ask = (host: string) => new Promise<number>((done, fail) => {
      const req = httpsRequest({
        host: '127.0.0.2', port: first.port, method: 'POST', path: '/api/auth/status', agent: false,
        ca: pem, servername: 'ledger.bureau.example', headers: { host, 'content-type': 'application/json' },
      }, (res) => (res.resume(), done(res.statusCode!)));
      req.on('error', fail);
      req.end('{}');
    });
    expect(await ask(`ledger.bureau.example:${first.port}`)).toBe(200);
    expect(await ask(`127.0.0.2:${first.port}`)).toBe(200);
    expect(await ask(`rebind.attacker.example:${first.port}`)).toBe(421);
    await first.stop();

    const second = await startMain(args);
    expect(second.out).toContain(`证书 SHA-256 指纹:${fingerprint}`);
    expect(second.out).not.toContain('已生成证书');
    expect(readFileSync(join(dir, 'tls', 'cert.pem'), 'utf8')).toBe(pem);
  });
});
