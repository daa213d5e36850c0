import { X509Certificate } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { dirname } from 'node:path';
import type { TLSSocket } from 'node:tls';

/**
 * What the desktop app works on: a ledger file on this machine (本机台账), or the province's server
 * (连接省级服务器), whose certificate was accepted on first use and is the only one accepted afterwards.
 */
export type Connection = { kind: 'local' } | { kind: 'server'; origin: string; fingerprint: string };

/** The remembered choice, or null on first start (or when the file was damaged: the user chooses again). */
export function readConnection(file: string): Connection | null {
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as Connection;
    if (c.kind === 'local') return { kind: 'local' };
    if (c.kind === 'server' && typeof c.origin === 'string' && typeof c.fingerprint === 'string') {
      return { kind: 'server', origin: serverOrigin(c.origin), fingerprint: c.fingerprint };
    }
  } catch {
    // Absent or unreadable: ask again.
  }
  return null;
}

export function saveConnection(file: string, c: Connection): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(`${file}.tmp`, JSON.stringify(c));
  renameSync(`${file}.tmp`, file);
}

/** The https origin a user typed (`ledger.sthj.gov.cn`, `https://10.1.2.3:5180/`), or a Chinese reason it is not one. */
export function serverOrigin(typed: string): string {
  const text = typed.trim();
  if (!text) throw new Error('请输入省级服务器的地址');
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
  } catch {
    throw new Error(`「${text}」不是有效的服务器地址`);
  }
  if (url.protocol !== 'https:') throw new Error('省级服务器须用 https:// 地址(数据经加密传输)');
  if (url.username || url.password) throw new Error('地址中不能含用户名或密码;连接后在登录页输入');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw new Error('请只填写服务器地址(如 https://ledger.example.gov.cn:5180),不含路径');
  return url.origin;
}

/** What the server presented on first contact, for the user to compare with what its administrator announced. */
export interface ServerCertificate {
  /** SHA-256 of the certificate, as `eql serve` prints it (AB:CD:…). */
  fingerprint: string;
  subject: string;
  /** The instant it expires (ISO). */
  validTo: string;
  /** Whether a certificate authority this machine trusts vouches for it (a bureau's own certificate: no). */
  trusted: boolean;
}

const TLS_WORDS: Record<string, string> = {
  ECONNREFUSED: '服务器拒绝连接(服务未启动或端口不对)',
  ENOTFOUND: '找不到该服务器(地址有误或域名无法解析)',
  EAI_AGAIN: '暂时无法解析该服务器的域名',
  ETIMEDOUT: '连接服务器超时',
  ECONNRESET: '连接被服务器断开(该地址可能不是 https 服务)',
  EHOSTUNREACH: '网络不通,无法到达该服务器',
};

/**
 * Asks the server for its api description, taking whatever certificate it presents, and returns that
 * certificate: the user accepts it (pins it) or not. Refuses a server that is not this app's.
 */
export function probeServer(origin: string, timeoutMs = 8000): Promise<ServerCertificate> {
  return new Promise((resolve, reject) => {
    const req = request(`${origin}/api/openapi.json`, { rejectUnauthorized: false, timeout: timeoutMs }, (res) => {
      const socket = res.socket as TLSSocket;
      const peer = socket.getPeerX509Certificate?.();
      const trusted = socket.authorized;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
        if (body.length > 2_000_000) req.destroy(new Error('服务器的回答过大'));
      });
      res.on('end', () => {
        let title = '';
        try {
          title = (JSON.parse(body) as { info?: { title?: string } }).info?.title ?? '';
        } catch {
          // Not JSON: not our server.
        }
        if (res.statusCode !== 200 || !title.includes('执法装备台账')) return reject(new Error('该地址不是执法装备台账的服务器'));
        if (!peer) return reject(new Error('服务器没有出示证书'));
        resolve({ fingerprint: peer.fingerprint256, subject: peer.subject.replace(/\n/g, ', '), validTo: new Date(peer.validTo).toISOString(), trusted });
      });
    });
    req.on('timeout', () => req.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
    req.on('error', (e: Error & { code?: string }) => reject(new Error(`无法连接 ${origin}:${TLS_WORDS[e.code ?? ''] ?? e.message}`)));
    req.end();
  });
}

/** Chromium's answers to a certificate check: accept, refuse, or check it as usual. */
export const ACCEPT = 0;
export const REFUSE = -2;
export const AS_USUAL = -3;

/**
 * The answer for a certificate the pinned server's host presents: exactly the pinned one is accepted (a
 * bureau's self-signed certificate included), any other refused, even one a trusted authority signed: a
 * changed certificate is confirmed by the user again. Other hosts are checked as usual.
 */
export function pinnedVerdict(pin: { origin: string; fingerprint: string }, hostname: string, certificatePem: string): number {
  if (hostname !== new URL(pin.origin).hostname.replace(/^\[|\]$/g, '')) return AS_USUAL;
  try {
    return new X509Certificate(certificatePem).fingerprint256 === pin.fingerprint ? ACCEPT : REFUSE;
  } catch {
    return REFUSE;
  }
}
