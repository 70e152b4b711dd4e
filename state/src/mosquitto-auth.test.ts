import { execFileSync } from 'node:child_process';
import { pbkdf2Sync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mosquittoPasswordHash, renderMosquittoAuth } from './mosquitto-auth';

/** The parts of a `$7$` hash, as Mosquitto reads them. */
function partsOf(hash: string) {
  const [, kind, iterations, salt, key] = hash.split('$') as [string, string, string, string, string];
  return {
    kind,
    iterations: Number(iterations),
    salt: Buffer.from(salt, 'base64'),
    key: Buffer.from(key, 'base64'),
  };
}

const MOSQUITTO_PASSWD = ['/usr/bin/mosquitto_passwd', '/usr/sbin/mosquitto_passwd'].find((p) => {
  try {
    execFileSync(p, ['-h'], { stdio: 'ignore' });
    return true;
  } catch (error) {
    return (error as { status?: number }).status !== undefined;
  }
});

describe('Mosquitto password hashes', () => {
  it('are PBKDF2-SHA512 of the secret, salted afresh each time', () => {
    const hash = mosquittoPasswordHash('s3cret-device-key');
    const { kind, iterations, salt, key } = partsOf(hash);
    expect(kind).toBe('7');
    expect(key).toEqual(pbkdf2Sync('s3cret-device-key', salt, iterations, 64, 'sha512'));
    expect(mosquittoPasswordHash('s3cret-device-key')).not.toBe(hash);
  });

  it.skipIf(!MOSQUITTO_PASSWD && process.env.CI !== 'true')('have the shape mosquitto_passwd writes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'gridsense-passwd-'));
    try {
      execFileSync(MOSQUITTO_PASSWD!, ['-c', '-b', join(dir, 'passwd'), 'dev1', 'secret']);
      const theirs = partsOf(readFileSync(join(dir, 'passwd'), 'utf8').trim().split(':')[1]!);
      const ours = partsOf(mosquittoPasswordHash('secret'));
      expect([ours.kind, ours.iterations, ours.salt.length, ours.key.length]).toEqual([
        theirs.kind,
        theirs.iterations,
        theirs.salt.length,
        theirs.key.length,
      ]);
      expect(theirs.key).toEqual(pbkdf2Sync('secret', theirs.salt, theirs.iterations, 64, 'sha512'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('renderMosquittoAuth', () => {
  const service = { username: 'gridsense-service', password: 'pw' };

  it('gives the services every topic and each device its own prefix, leaving out devices without a hash', () => {
    const files = renderMosquittoAuth(
      [
        { id: 'smoke-1', gridId: 'G01', mosquittoHash: '$7$101$a$b' },
        { id: 'old-1', gridId: 'G02', mosquittoHash: null },
      ],
      service,
    );
    expect(files.passwd.split('\n').map((line) => line.split(':')[0])).toEqual([
      'gridsense-service',
      'smoke-1',
      '',
    ]);
    expect(files.passwd).toContain('smoke-1:$7$101$a$b\n');
    expect(files.acl.split('\n').slice(1)).toEqual([
      'user gridsense-service',
      'topic readwrite #',
      '',
      'user smoke-1',
      'topic readwrite gs/v1/G01/smoke-1/#',
      '',
    ]);
    expect(files.withoutHash).toEqual(['old-1']);
  });

  it('gives each service account only its own topics', () => {
    const files = renderMosquittoAuth(
      [{ id: 'smoke-1', gridId: 'G01', mosquittoHash: '$7$101$a$b' }],
      [
        { username: 'gridsense-ingest', password: 'pw1', read: ['gs/v1/#'], readwrite: ['gridsense/#'] },
        { username: 'gridsense-alerts', password: 'pw2', read: [], readwrite: ['gridsense/#'] },
      ],
    );
    expect(files.passwd.split('\n').map((line) => line.split(':')[0])).toEqual([
      'gridsense-ingest',
      'gridsense-alerts',
      'smoke-1',
      '',
    ]);
    expect(files.acl.split('\n').slice(1)).toEqual([
      'user gridsense-ingest',
      'topic read gs/v1/#',
      'topic readwrite gridsense/#',
      '',
      'user gridsense-alerts',
      'topic readwrite gridsense/#',
      '',
      'user smoke-1',
      'topic readwrite gs/v1/G01/smoke-1/#',
      '',
    ]);
  });

  it('refuses a service username the files cannot hold', () => {
    expect(() => renderMosquittoAuth([], { username: 'a b', password: 'pw' })).toThrow(/MQTT_USERNAME/);
  });
});
