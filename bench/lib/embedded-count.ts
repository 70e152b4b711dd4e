/**
 * Counting what GridSense's embedded time-series store (SQLite, `timeseries.db` in its data dir)
 * kept, from the orchestrator: a read-only handle of its own, so the counting costs the system
 * under test no CPU and cannot write to its store.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import type { StoredCount } from './stored-count';

// One row per metric of a reading: its seqs are counted once per device. The device's metrics are
// walked through the primary key (device_id, metric, ts) first, so each one's window is a range of
// that key rather than a scan of the device's whole history (as `latest` does in the store).
const COUNT_DEVICE = `
WITH RECURSIVE metrics(name) AS (
  SELECT MIN(metric) FROM readings WHERE device_id = @deviceId
  UNION ALL
  SELECT (SELECT MIN(metric) FROM readings WHERE device_id = @deviceId AND metric > name)
  FROM metrics WHERE name IS NOT NULL
)
SELECT COUNT(DISTINCT r.seq) AS count, MIN(r.seq) AS minSeq, MAX(r.seq) AS maxSeq
FROM metrics JOIN readings r
  ON r.device_id = @deviceId AND r.metric = metrics.name AND r.ts BETWEEN @from AND @to`;

export interface EmbeddedCounter {
  /** Stored readings per device with ts in [from, to]: distinct seqs, lowest and highest. */
  countStored(from: number, to: number, deviceIds: string[]): Map<string, StoredCount>;
  /** Grows with every commit another process makes to the store: it stops once the store is idle. */
  commitsSeen(): number;
  close(): void;
}

export function openEmbeddedCounter(path: string): EmbeddedCounter {
  let db: Database.Database | undefined;
  let commits = 0;
  let lastVersion: number | undefined;
  // The platform creates the file as it opens its store: until then nothing is stored.
  const open = (): Database.Database | undefined => {
    if (!db && existsSync(path)) db = new Database(path, { readonly: true, fileMustExist: true });
    return db;
  };
  return {
    countStored(from, to, deviceIds) {
      const counts = new Map<string, StoredCount>();
      const handle = open();
      if (!handle) return counts;
      const count = handle.prepare<
        { deviceId: string; from: number; to: number },
        { count: number; minSeq: number | null; maxSeq: number | null }
      >(COUNT_DEVICE);
      for (const deviceId of deviceIds) {
        const row = count.get({ deviceId, from, to });
        if (row && row.count > 0)
          counts.set(deviceId, { count: row.count, minSeq: row.minSeq ?? -1, maxSeq: row.maxSeq ?? -1 });
      }
      return counts;
    },
    commitsSeen() {
      const handle = open();
      if (!handle) return 0;
      // data_version changes (on this connection) whenever another connection has committed.
      const version = handle.pragma('data_version', { simple: true }) as number;
      if (lastVersion !== undefined && version !== lastVersion) commits++;
      lastVersion = version;
      return commits;
    },
    close() {
      db?.close();
      db = undefined;
    },
  };
}
