import { hostname, networkInterfaces } from 'node:os';

/** Host names that always mean this machine. */
export const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** The name a Host header gives, without its port, lower-cased (IPv6 addresses keep their brackets). */
export function hostOf(header: string | undefined): string {
  const h = (header ?? '').trim().toLowerCase();
  const name = h.startsWith('[') ? h.slice(0, h.indexOf(']') + 1) : h.replace(/:\d*$/, '');
  return name.replace(/\.$/, '');
}

/** How a Host header names an address: IPv6 in brackets, without a zone. */
export function hostForm(address: string): string {
  const bare = address.replace(/%.*$/, '').toLowerCase();
  return bare.includes(':') ? `[${bare}]` : bare;
}

/**
 * The names this machine answers to on the LAN: its host name (and `<name>.local`), every address
 * of its network interfaces, the address it is bound to, and the names the bureau allows.
 */
export function machineHosts(bound: string, allowed: string[]): string[] {
  const name = hostname().toLowerCase();
  const addresses = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
  const all = [name, `${name}.local`, ...addresses.map(hostForm), ...allowed.map((a) => hostOf(a))];
  if (bound !== '0.0.0.0' && bound !== '::') all.push(hostForm(bound));
  return [...new Set(all.filter((h) => h))];
}
