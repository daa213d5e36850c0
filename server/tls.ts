import { createPrivateKey, X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { UserError } from '../lib/problems';

/** The certificate and key the LAN server presents, with the SHA-256 fingerprint users check it by. */
export interface TlsIdentity {
  cert: string;
  key: string;
  /** SHA-256 of the certificate, as browsers show it (AB:CD:…). */
  fingerprint: string;
  /** Where the certificate is. */
  certFile: string;
  /** True when it was generated on this start. */
  created: boolean;
}

/** A generated certificate is made anew this long before it expires. */
const RENEW_BEFORE_MS = 30 * 86_400_000;
const VALID_DAYS = 825;

function identityOf(cert: string, key: string, certFile: string, created: boolean): TlsIdentity {
  const x509 = new X509Certificate(cert);
  if (!x509.checkPrivateKey(createPrivateKey(key))) throw new Error('私钥与证书不匹配');
  return { cert, key, fingerprint: x509.fingerprint256, certFile, created };
}

/** The bureau's own certificate and key (PEM files), refused with a message when unreadable or not a pair. */
export function readIdentity(certFile: string, keyFile: string): TlsIdentity {
  try {
    return identityOf(readFileSync(certFile, 'utf8'), readFileSync(keyFile, 'utf8'), certFile, false);
  } catch (e) {
    throw new UserError([{ message: `无法使用证书 ${certFile} 与私钥 ${keyFile}:${(e as Error).message}` }]);
  }
}

/**
 * The server's own self-signed certificate in `dir` (beside the ledger), generated on first start
 * for `names` (host names and IP addresses) and reused afterwards, so its fingerprint stays the one
 * users have checked; made anew only when it is about to expire or unreadable.
 */
export async function ownIdentity(dir: string, names: string[], now: Date): Promise<TlsIdentity> {
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  if (existsSync(certFile) && existsSync(keyFile)) {
    try {
      const found = identityOf(readFileSync(certFile, 'utf8'), readFileSync(keyFile, 'utf8'), certFile, false);
      if (new Date(new X509Certificate(found.cert).validTo).getTime() - now.getTime() > RENEW_BEFORE_MS) return found;
    } catch {
      // An unreadable or mismatched pair is replaced below.
    }
  }
  const unique = [...new Set(names.map((n) => n.replace(/^\[|\]$/g, '')))];
  const pems = await generate([{ name: 'commonName', value: unique.find((n) => !isIP(n)) ?? '执法装备台账' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    notBeforeDate: new Date(now.getTime() - 86_400_000),
    notAfterDate: new Date(now.getTime() + VALID_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: unique.map((n) => (isIP(n) ? { type: 7 as const, ip: n } : { type: 2 as const, value: n })) },
    ],
  });
  mkdirSync(dir, { recursive: true });
  // Key first, readable by this user only; each file appears whole or not at all.
  writeFileSync(`${keyFile}.partial`, pems.private, { mode: 0o600 });
  renameSync(`${keyFile}.partial`, keyFile);
  writeFileSync(`${certFile}.partial`, pems.cert);
  renameSync(`${certFile}.partial`, certFile);
  return identityOf(pems.cert, pems.private, certFile, true);
}
