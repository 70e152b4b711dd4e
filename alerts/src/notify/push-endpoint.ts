import { apiText, type ApiText, type Problem } from '@gridsense/core';
import { lookup as lookupCallback, type LookupAddress } from 'node:dns';
import { lookup } from 'node:dns/promises';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { DeliveryFailed } from './delivery-failure';

/**
 * Where a Web Push subscription may point. Any signed-in person sets an endpoint, and the server
 * then POSTs to it, so it must be a public https address: never this machine, the LAN, a cloud
 * metadata service or anything else a browser's push service could not be.
 */
export interface PushTargetPolicy {
  /**
   * Tests only: receivers on loopback (127.0.0.0/8, ::1), over http too. Nothing in production
   * passes it, and no setting or environment variable turns it on.
   */
  allowLoopbackForTests?: boolean;
}

const notPublic = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // protocol assignments
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const)
  notPublic.addSubnet(network, prefix, 'ipv4');
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['ff00::', 8], // multicast
] as const)
  notPublic.addSubnet(network, prefix, 'ipv6');

const loopback = new BlockList();
loopback.addSubnet('127.0.0.0', 8, 'ipv4');
loopback.addAddress('::1', 'ipv6');

/** The IPv4 address inside a NAT64 one (64:ff9b::a.b.c.d), which reaches that IPv4 host. */
function nat64Embedded(address: string): string | undefined {
  const match = /^64:ff9b::(?:([\d.]+)|([\da-f]{1,4}):([\da-f]{1,4}))$/i.exec(address);
  if (!match) return undefined;
  if (match[1]) return match[1];
  const high = parseInt(match[2]!, 16);
  const low = parseInt(match[3]!, 16);
  return [high >> 8, high & 255, low >> 8, low & 255].join('.');
}

const isLoopback = (address: string, family: 'ipv4' | 'ipv6') => loopback.check(address, family);

/** Whether the server may send to this IP address (IPv4-mapped IPv6 is checked as the IPv4 it is). */
export function isAllowedAddress(address: string, policy: PushTargetPolicy = {}): boolean {
  const version = isIP(address);
  if (version === 0) return false;
  const family = version === 4 ? 'ipv4' : 'ipv6';
  if (policy.allowLoopbackForTests && isLoopback(address, family)) return true;
  const embedded = family === 'ipv6' ? nat64Embedded(address) : undefined;
  if (embedded !== undefined) return isAllowedAddress(embedded, policy);
  return !notPublic.check(address, family);
}

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, '');

/** What is wrong with an endpoint's URL alone (scheme, credentials); no lookup. */
function urlFaults(url: URL, policy: PushTargetPolicy): ('notHttps' | 'credentials')[] {
  const host = bare(url.hostname);
  const loopbackLiteral =
    policy.allowLoopbackForTests && isIP(host) !== 0 && isLoopback(host, isIP(host) === 4 ? 'ipv4' : 'ipv6');
  const faults: ('notHttps' | 'credentials')[] = [];
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopbackLiteral)) faults.push('notHttps');
  if (url.username || url.password) faults.push('credentials');
  return faults;
}

/** The URL's faults as a subscriber is told them. */
const urlProblems = (url: URL, policy: PushTargetPolicy): Problem[] =>
  urlFaults(url, policy).map((fault) =>
    apiText(fault === 'notHttps' ? 'push.httpsUrl' : 'push.noCredentials', { field: 'endpoint' }),
  );

/**
 * Checks a push endpoint when someone subscribes: https, and every address its host resolves to
 * public. Delivery checks again when it connects (`guardedLookup`), since DNS answers change.
 */
export async function checkPushEndpoint(endpoint: string, policy: PushTargetPolicy = {}): Promise<Problem[]> {
  const errors: Problem[] = [];
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    errors.push(apiText('field.pushServiceUrl', { field: 'endpoint' }));
    return errors;
  }
  errors.push(...urlProblems(url, policy));
  if (errors.length > 0) return errors;
  const host = bare(url.hostname);
  let addresses: string[] = [host];
  if (isIP(host) === 0) {
    try {
      addresses = (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      errors.push(apiText('push.hostUnresolved', { field: 'endpoint' }));
      return errors;
    }
  }
  if (!addresses.every((address) => isAllowedAddress(address, policy)))
    errors.push(apiText('push.privateAddress', { field: 'endpoint' }));
  return errors;
}

/** Why the server refuses to send to a stored endpoint, before any connection: never retried. */
export class PushTargetRefused extends DeliveryFailed {
  override name = 'PushTargetRefused';
}

/**
 * The URL checks repeated at delivery (a subscription stored before these rules, say). The first
 * reason found is the one logged: the scheme, then credentials, then an address that is not public.
 */
export function refuseBadPushUrl(endpoint: string, policy: PushTargetPolicy = {}): void {
  const url = new URL(endpoint);
  const host = bare(url.hostname);
  const reasons: ApiText[] = urlFaults(url, policy).map((fault) =>
    apiText(fault === 'notHttps' ? 'delivery.notHttps' : 'delivery.urlCredentials'),
  );
  if (isIP(host) !== 0 && !isAllowedAddress(host, policy))
    reasons.push(apiText('delivery.notPublicAddress', { host }));
  if (reasons[0]) throw new PushTargetRefused(reasons[0]);
}

/**
 * A `lookup` for the HTTP request that connects only to allowed addresses: the check happens at
 * the moment of connecting, so a DNS answer that changed since subscribing is caught.
 */
export function guardedLookup(policy: PushTargetPolicy = {}): LookupFunction {
  return (hostname, options, callback) => {
    lookupCallback(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
      if (error) return callback(error, '', 0);
      const refused = addresses.find((a) => !isAllowedAddress(a.address, policy));
      if (refused || addresses.length === 0) {
        const why = refused
          ? apiText('delivery.resolvesPrivate', { host: hostname, address: refused.address })
          : apiText('delivery.noAddress', { host: hostname });
        return callback(new PushTargetRefused(why), '', 0);
      }
      if (options.all) callback(null, addresses);
      else callback(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}
