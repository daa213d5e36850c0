import type { ScanSource } from '../../lib/domain/stocktakes';

/** A scan waiting to be sent: kept in localStorage, so a phone out of reach of the network loses none. */
export interface QueuedScan {
  stocktakeId: number;
  code: string;
  /** The phone's id of the scan: the server counts it once however often it is sent. */
  clientId: string;
  atAgency?: string;
  custodian?: string;
  source: ScanSource;
}

const KEY = 'eql.scan.queue';
/** At most this many scans go in one request (the contract's limit). */
export const BATCH = 500;

export function readQueue(): QueuedScan[] {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '[]') as unknown;
    return Array.isArray(v) ? (v as QueuedScan[]) : [];
  } catch {
    return [];
  }
}

function writeQueue(q: QueuedScan[]): void {
  localStorage.setItem(KEY, JSON.stringify(q));
}

/** An id unique to this phone's scan; crypto.randomUUID needs a secure context, which a LAN address over HTTP is not. */
export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function' && isSecureContext) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function enqueue(scan: QueuedScan): void {
  writeQueue([...readQueue(), scan]);
}

/** Removes the scans sent (by clientId); what was queued meanwhile stays. */
export function dequeue(clientIds: Iterable<string>): void {
  const sent = new Set(clientIds);
  writeQueue(readQueue().filter((s) => !sent.has(s.clientId)));
}

/** The next request's worth: the oldest scan's stocktake, place, custodian and source, in the order scanned. */
export function nextBatch(q: QueuedScan[]): QueuedScan[] {
  const first = q[0];
  if (!first) return [];
  const same = (s: QueuedScan) => s.stocktakeId === first.stocktakeId && s.atAgency === first.atAgency && s.custodian === first.custodian && s.source === first.source;
  return q.filter(same).slice(0, BATCH);
}
