/** The bench's devices, rebuilt from an index and the run's salt wherever they are needed. */
import { createHash } from 'node:crypto';

export interface ConnDevice {
  id: string;
  gridId: string;
  secret: string;
}

/** One grid is enough: the broker's ACL is per device prefix, not per grid. */
export const BENCH_GRID = 'CONN-G1';

/**
 * Device `i` of a run: the secret derives from the run's salt, so load generators can rebuild it
 * from the id alone instead of being sent 100,000 secrets.
 */
export function benchDevice(index: number, salt: string): ConnDevice {
  const id = `conn-${String(index).padStart(7, '0')}`;
  const secret = createHash('sha256').update(`${salt}:${id}`).digest('base64url').slice(0, 22);
  return { id, gridId: BENCH_GRID, secret };
}
