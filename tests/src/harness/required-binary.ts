import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** The absolute path of an executable on PATH (or given absolutely), or undefined. */
export function findBinary(name: string): string | undefined {
  const candidates = path.isAbsolute(name)
    ? [name]
    : (process.env.PATH ?? '').split(path.delimiter).map((dir) => path.join(dir, name));
  return candidates.find((candidate) => {
    try {
      accessSync(candidate, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/**
 * 'skip' lets a laptop without a real dependency run the rest of the suite; in CI a missing one
 * is a broken machine, so it fails loudly instead of passing by skipping.
 */
export function binaryTestMode(name: string, debianPackage: string): 'run' | 'skip' {
  if (findBinary(name)) return 'run';
  if (process.env.CI === 'true') {
    throw new Error(`${name} is not installed but CI=true: install it (apt-get install -y ${debianPackage})`);
  }
  return 'skip';
}
