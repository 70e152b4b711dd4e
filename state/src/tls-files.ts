import type { TlsSetting } from '@gridsense/core';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';

export interface TlsMaterial {
  cert: string;
  key: string;
  /** SHA-256 fingerprint, to compare on a phone that warns about a self-signed certificate. */
  fingerprint: string;
  /** Where it came from, for the start-up log. */
  source: string;
}

const SELF_SIGNED_DAYS = 365;

/**
 * The certificate and key for HTTPS, WSS and MQTTS: read from the configured files (and checked
 * to belong together), or for `self-signed` made once for this host under `<dataDir>/tls` and
 * made again when it expires. Undefined when TLS is off.
 */
export async function loadTlsMaterial(
  setting: TlsSetting,
  dataDir: string,
): Promise<TlsMaterial | undefined> {
  if (setting.kind === 'off') return undefined;
  if (setting.kind === 'files') return checked(setting.certFile, setting.keyFile);
  const dir = join(dataDir, 'tls');
  const [certFile, keyFile] = [join(dir, 'cert.pem'), join(dir, 'key.pem')];
  try {
    const existing = await checked(certFile, keyFile);
    if (new Date(new X509Certificate(existing.cert).validTo).getTime() > Date.now() + 86_400_000)
      return existing;
  } catch {
    // None yet (or unreadable): make one.
  }
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const pems = await generate([{ name: 'commonName', value: `GridSense ${hostname()}` }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notAfterDate: new Date(Date.now() + SELF_SIGNED_DAYS * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      { name: 'subjectAltName', altNames: hostNames() },
    ],
  });
  await writeFile(keyFile, pems.private, { mode: 0o600 });
  await writeFile(certFile, pems.cert, { mode: 0o600 });
  return checked(certFile, keyFile);
}

/** Every name and address a phone on the LAN may use to reach this host. */
function hostNames(): { type: 2 | 7; value?: string; ip?: string }[] {
  const names: { type: 2 | 7; value?: string; ip?: string }[] = [
    { type: 2, value: 'localhost' },
    { type: 2, value: hostname() },
  ];
  for (const addresses of Object.values(networkInterfaces()))
    for (const address of addresses ?? []) names.push({ type: 7, ip: address.address.split('%')[0]! });
  return names;
}

async function checked(certFile: string, keyFile: string): Promise<TlsMaterial> {
  const [cert, key] = await Promise.all([readFile(certFile, 'utf8'), readFile(keyFile, 'utf8')]);
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new Error(`${certFile} is not a PEM certificate`);
  }
  let privateKey;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    throw new Error(`${keyFile} is not a PEM private key (or it is encrypted)`);
  }
  if (!x509.checkPrivateKey(privateKey)) throw new Error(`${keyFile} is not the key of ${certFile}`);
  return { cert, key, fingerprint: x509.fingerprint256, source: certFile };
}
