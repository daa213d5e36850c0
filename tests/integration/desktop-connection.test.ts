import { createServer } from 'node:https';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ACCEPT, AS_USUAL, pinnedVerdict, probeServer, readConnection, REFUSE, saveConnection, serverOrigin } from '../../electron/main/connection';
import { createHttpServer, listen } from '../../server/http';
import { ownIdentity } from '../../server/tls';
import { ledgerOf } from '../fixtures/context';
import { tempLedger } from '../fixtures/factories';

const identity = (dir: string, name = 'ledger.sthjt.example') => ownIdentity(join(dir, name), [name, '127.0.0.1'], new Date());

/** The provincial server as `eql serve` runs it on the LAN: HTTPS with its own certificate. */
async function provincialServer() {
  const { db, file, dir } = tempLedger();
  const tls = await identity(dir);
  const server = createHttpServer(ledgerOf(db, file), dir, { lan: { hosts: ['127.0.0.1', 'ledger.sthjt.example'] }, tls });
  const { port } = await listen(server, 0, '127.0.0.1');
  onTestFinished(() => new Promise<void>((done) => server.close(() => done())));
  return { origin: `https://127.0.0.1:${port}`, tls };
}

describe('the address of the provincial server, as a user types it', () => {
  it('takes a host, with or without https:// and a port, as its https origin', () => {
    expect(serverOrigin('ledger.sthjt.example')).toBe('https://ledger.sthjt.example');
    expect(serverOrigin(' https://10.1.2.3:5180/ ')).toBe('https://10.1.2.3:5180');
    expect(serverOrigin('https://[fd00::5]:5180')).toBe('https://[fd00::5]:5180');
  });

  it('refuses plain http, a path, credentials and nonsense, saying why in Chinese', () => {
    expect(() => serverOrigin('http://10.1.2.3:5180')).toThrow('https://');
    expect(() => serverOrigin('https://10.1.2.3/api/openapi.json')).toThrow('不含路径');
    expect(() => serverOrigin('https://admin:secret@10.1.2.3')).toThrow('用户名或密码');
    expect(() => serverOrigin('')).toThrow('请输入');
    expect(() => serverOrigin('https://exa mple')).toThrow('不是有效的服务器地址');
  });
});

describe('the remembered choice', () => {
  it('is read back as saved, and a damaged or foreign file asks again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'eql-conn-'));
    const file = join(dir, 'connection.json');
    expect(readConnection(file)).toBeNull();
    saveConnection(file, { kind: 'server', origin: 'https://10.1.2.3:5180', fingerprint: 'AB:CD' });
    expect(readConnection(file)).toEqual({ kind: 'server', origin: 'https://10.1.2.3:5180', fingerprint: 'AB:CD' });
    saveConnection(file, { kind: 'local' });
    expect(readConnection(file)).toEqual({ kind: 'local' });
    writeFileSync(file, '{"kind":"server","origin":"http://evil.example","fingerprint":"x"}');
    expect(readConnection(file)).toBeNull();
    writeFileSync(file, '{not json');
    expect(readConnection(file)).toBeNull();
  });
});

describe('first contact with the server, and its certificate pinned', () => {
  it('shows the certificate the server presents, with the fingerprint `eql serve` printed, as not vouched for by an authority', async () => {
    const { origin, tls } = await provincialServer();
    const seen = await probeServer(origin);
    expect(seen.fingerprint).toBe(tls.fingerprint);
    expect(seen.trusted).toBe(false);
    expect(seen.subject).toContain('ledger.sthjt.example');
    expect(new Date(seen.validTo).getTime()).toBeGreaterThan(Date.now());
  });

  it('refuses an https server that is not the ledger’s, and says in Chinese why a server cannot be reached', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eql-conn-'));
    const tls = await identity(dir, 'other.example');
    const other = createServer({ cert: tls.cert, key: tls.key }, (_req, res) => res.end('<html>OA 系统</html>'));
    const { port } = await listen(other, 0, '127.0.0.1');
    onTestFinished(() => new Promise<void>((done) => other.close(() => done())));
    await expect(probeServer(`https://127.0.0.1:${port}`)).rejects.toThrow('不是执法装备台账的服务器');
    other.close();
    await new Promise((r) => setTimeout(r, 50));
    await expect(probeServer(`https://127.0.0.1:${port}`)).rejects.toThrow('服务器拒绝连接');
  });

  it('accepts exactly the pinned certificate for the server’s host, refuses any other there, and leaves other hosts to the usual checks', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eql-conn-'));
    const pinned = await identity(dir, 'ledger.sthjt.example');
    const replaced = await identity(dir, 'replaced.example');
    const pin = { origin: 'https://ledger.sthjt.example:5180', fingerprint: pinned.fingerprint };
    expect(pinnedVerdict(pin, 'ledger.sthjt.example', pinned.cert)).toBe(ACCEPT);
    expect(pinnedVerdict(pin, 'ledger.sthjt.example', replaced.cert)).toBe(REFUSE);
    expect(pinnedVerdict(pin, 'ledger.sthjt.example', 'not a certificate')).toBe(REFUSE);
    expect(pinnedVerdict(pin, 'cdn.example', replaced.cert)).toBe(AS_USUAL);
    expect(pinnedVerdict({ origin: 'https://[fd00::5]:5180', fingerprint: pinned.fingerprint }, 'fd00::5', pinned.cert)).toBe(ACCEPT);
  });
});
