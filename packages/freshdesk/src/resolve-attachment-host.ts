import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';
import { RefusedError } from '@devops/errors';

/** Resolves a host name to every address it has (like dns.promises.lookup with `all: true`). */
export type ResolveHost = (hostname: string) => Promise<Array<{ address: string; family: number }>>;

export const resolveWithDns: ResolveHost = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/**
 * Why an address may not be downloaded from, or null when it may: only
 * global unicast addresses pass. Loopback, link-local (169.254.169.254, the
 * cloud metadata service), private (10/8, 172.16/12, 192.168/16, fc00::/7),
 * carrier-grade NAT, unspecified, multicast and reserved ranges are refused;
 * an IPv4-mapped IPv6 address is judged as the IPv4 address it carries.
 */
export function describeBlockedAddress(address: string): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.process(address.replace(/^\[|\]$/g, ''));
  } catch {
    return `${address} is not an IP address`;
  }
  const range = parsed.range();
  return range === 'unicast' ? null : `${parsed.toString()} is a ${range} address`;
}

/**
 * The addresses to connect to for `hostname`, each checked: an IP literal is
 * checked as it is; a name is resolved once and every address it resolves to
 * must pass (the connection then uses exactly these, so a second, different
 * DNS answer cannot slip a private address in). RefusedError otherwise.
 */
export async function resolveAttachmentHost(
  hostname: string,
  resolve: ResolveHost,
): Promise<Array<{ address: string; family: number }>> {
  const bare = hostname.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  const addresses = family ? [{ address: bare, family }] : await resolve(bare);
  if (addresses.length === 0) throw new RefusedError(`attachment host ${hostname} has no address`);
  for (const { address } of addresses) {
    const blocked = describeBlockedAddress(address);
    if (blocked) {
      throw new RefusedError(
        `attachment host ${hostname} resolves to a non-public address (${blocked}); not downloading from it`,
      );
    }
  }
  return addresses;
}
