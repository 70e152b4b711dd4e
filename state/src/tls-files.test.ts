import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTlsMaterial } from './tls-files';

describe('loadTlsMaterial', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gridsense-tls-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('is nothing when TLS is off', async () => {
    expect(await loadTlsMaterial({ kind: 'off' }, dir)).toBeUndefined();
  });

  it('makes a self-signed pair for this host once, readable by this user only, and keeps it', async () => {
    const first = await loadTlsMaterial({ kind: 'self-signed' }, dir);
    const cert = new X509Certificate(first!.cert);
    expect(cert.subjectAltName).toContain('DNS:localhost');
    expect(cert.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(cert.checkHost('localhost')).toBe('localhost');
    expect((await stat(join(dir, 'tls', 'key.pem'))).mode & 0o777).toBe(0o600);
    const second = await loadTlsMaterial({ kind: 'self-signed' }, dir);
    expect(second!.fingerprint).toBe(first!.fingerprint);
  });

  it('reads configured files and refuses a key that is not the certificate’s', async () => {
    const a = await loadTlsMaterial({ kind: 'self-signed' }, join(dir, 'a'));
    const b = await loadTlsMaterial({ kind: 'self-signed' }, join(dir, 'b'));
    const certFile = join(dir, 'a', 'tls', 'cert.pem');
    const own = await loadTlsMaterial(
      { kind: 'files', certFile, keyFile: join(dir, 'a', 'tls', 'key.pem') },
      dir,
    );
    expect(own!.fingerprint).toBe(a!.fingerprint);
    const otherKey = join(dir, 'b', 'tls', 'key.pem');
    await expect(loadTlsMaterial({ kind: 'files', certFile, keyFile: otherKey }, dir)).rejects.toThrow(
      `${otherKey} is not the key of ${certFile}`,
    );
    const junk = join(dir, 'junk.pem');
    await writeFile(junk, 'not a certificate');
    await expect(loadTlsMaterial({ kind: 'files', certFile: junk, keyFile: otherKey }, dir)).rejects.toThrow(
      'is not a PEM certificate',
    );
    expect(await readFile(join(dir, 'b', 'tls', 'cert.pem'), 'utf8')).toBe(b!.cert);
  });
});
