/** The few InfluxDB 1.x HTTP calls the benchmark makes itself (counting what was stored). */
import type { StoredCount } from './stored-count';

async function query(url: string, database: string, q: string): Promise<unknown> {
  const body = new URLSearchParams({ q, db: database, epoch: 'ms' });
  const response = await fetch(`${url}/query`, { method: 'POST', body });
  if (!response.ok) throw new Error(`InfluxDB ${response.status}: ${await response.text()}`);
  return response.json();
}

export async function createDatabase(url: string, database: string): Promise<void> {
  await query(url, database, `CREATE DATABASE "${database}"`);
}

/** Stored telemetry per device with ts in [from, to]: how many points, lowest and highest seq. */
export async function countStored(
  url: string,
  database: string,
  from: number,
  to: number,
): Promise<Map<string, StoredCount>> {
  const result = (await query(
    url,
    database,
    `SELECT COUNT("seq"), MIN("seq"), MAX("seq") FROM "telemetry" WHERE time >= ${from}ms AND time <= ${to}ms GROUP BY "device_id"`,
  )) as { results?: { error?: string; series?: { tags?: { device_id?: string }; values: number[][] }[] }[] };
  const [first] = result.results ?? [];
  if (first?.error) throw new Error(`InfluxDB: ${first.error}`);
  const counts = new Map<string, StoredCount>();
  for (const series of first?.series ?? []) {
    const [, count = 0, minSeq = 0, maxSeq = 0] = series.values[0] ?? [];
    counts.set(series.tags?.device_id ?? '', { count, minSeq, maxSeq });
  }
  return counts;
}

/** Telemetry points stored in the last hour, all devices. */
export async function countAll(url: string, database: string): Promise<number> {
  const result = (await query(
    url,
    database,
    `SELECT COUNT("seq") FROM "telemetry" WHERE time > now() - 1h`,
  )) as { results?: { series?: { values: number[][] }[] }[] };
  return result.results?.[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

/**
 * InfluxDB alone, for scale: one writer posting 5,000-line batches back to back for
 * `durationMs`; lines per second. Shows whether the store could be what limits a system.
 */
export async function measureInfluxWrites(
  url: string,
  database: string,
  durationMs: number,
): Promise<number> {
  await createDatabase(url, database);
  const batch = 5000;
  const start = Date.now();
  let lines = 0;
  let ts = start - 3_600_000;
  while (Date.now() - start < durationMs) {
    const body: string[] = [];
    for (let i = 0; i < batch; i++, ts++) {
      const device = `bench-${i % 200}`;
      body.push(
        `telemetry,device_id=${device},grid_id=G01 smoke=0.1,temperature=21.5,battery=88.5,humidity=40.5,seq=${ts}i ${ts}`,
      );
    }
    const response = await fetch(`${url}/write?db=${database}&precision=ms`, {
      method: 'POST',
      body: body.join('\n'),
    });
    if (response.status !== 204)
      throw new Error(`InfluxDB write ${response.status}: ${await response.text()}`);
    lines += batch;
  }
  return (lines * 1000) / (Date.now() - start);
}
