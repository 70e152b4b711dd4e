import { describe, expect, it } from 'vitest';
import { inEnglish } from '@gridsense/core';
import { checkPushEndpoint as problemsOf, isAllowedAddress, type PushTargetPolicy } from './push-endpoint';

/** The problems with an endpoint as the API words them in English. */
const checkPushEndpoint = async (endpoint: string, policy?: PushTargetPolicy) =>
  inEnglish(await problemsOf(endpoint, policy));

describe('push endpoint addresses', () => {
  it.each([
    ['127.0.0.1', false],
    ['127.9.9.9', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['172.31.255.254', false],
    ['192.168.1.10', false],
    ['169.254.169.254', false],
    ['100.64.0.1', false],
    ['0.0.0.0', false],
    ['224.0.0.251', false],
    ['255.255.255.255', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fd12:3456::1', false],
    ['fc00::1', false],
    ['ff02::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:10.0.0.1', false],
    ['64:ff9b::7f00:1', false],
    ['64:ff9b::192.168.0.1', false],
    ['172.32.0.1', true],
    ['142.250.72.14', true],
    ['2a00:1450:4001:80b::200a', true],
    ['64:ff9b::8efa:480e', true],
    ['not an address', false],
  ])('%s allowed: %s', (address, allowed) => {
    expect(isAllowedAddress(address)).toBe(allowed);
  });

  it('lets tests reach loopback, and nothing else private, when they ask', () => {
    const tests = { allowLoopbackForTests: true };
    expect(['127.0.0.1', '::1'].map((a) => isAllowedAddress(a, tests))).toEqual([true, true]);
    expect(['10.0.0.1', '169.254.169.254', 'fd00::1'].map((a) => isAllowedAddress(a, tests))).toEqual([
      false,
      false,
      false,
    ]);
  });
});

describe('checking an endpoint at subscribe time', () => {
  it.each([
    ['http://203.0.113.7/push', 'endpoint must be an https URL'],
    ['ftp://203.0.113.7/push', 'endpoint must be an https URL'],
    ['https://user:pw@203.0.113.7/push', 'endpoint must not carry a user name or password'],
    [
      'https://127.0.0.1:8443/push',
      'endpoint must not point to a private, loopback, link-local or unique-local address',
    ],
    [
      'https://2130706433/push',
      'endpoint must not point to a private, loopback, link-local or unique-local address',
    ],
    [
      'https://10.0.0.8/push',
      'endpoint must not point to a private, loopback, link-local or unique-local address',
    ],
    [
      'https://169.254.169.254/latest',
      'endpoint must not point to a private, loopback, link-local or unique-local address',
    ],
    [
      'https://[::1]/push',
      'endpoint must not point to a private, loopback, link-local or unique-local address',
    ],
    [
      'https://[fd00::5]/push',
      'endpoint must not point to a private, loopback, link-local or unique-local address',
    ],
    [
      'https://[::ffff:192.168.0.1]/push',
      'endpoint must not point to a private, loopback, link-local or unique-local address',
    ],
    // The name is resolved: localhost is loopback however it is spelled.
    [
      'https://localhost/push',
      'endpoint must not point to a private, loopback, link-local or unique-local address',
    ],
    ['https://push.gridsense.invalid/push', 'endpoint host does not resolve'],
    ['not a url', 'endpoint must be the push service URL'],
  ])('refuses %s', async (endpoint, problem) => {
    expect(await checkPushEndpoint(endpoint)).toEqual([problem]);
  });

  it('accepts https to a public address', async () => {
    expect(await checkPushEndpoint('https://203.0.113.7/push/v1/abc')).toEqual([]);
    expect(await checkPushEndpoint('https://[2001:db8::7]/push')).toEqual([]);
  });

  it('with the test allowance, takes a loopback receiver over http, but still no LAN', async () => {
    const tests = { allowLoopbackForTests: true };
    expect(await checkPushEndpoint('http://127.0.0.1:40123/push', tests)).toEqual([]);
    expect(await checkPushEndpoint('http://10.0.0.8/push', tests)).toEqual(['endpoint must be an https URL']);
    expect(await checkPushEndpoint('https://10.0.0.8/push', tests)).toHaveLength(1);
  });
});
