import Database from 'better-sqlite3';
import mqtt, { type MqttClient } from 'mqtt';
import path from 'node:path';

export interface NumberedDevice {
  id: string;
  gridId: string;
  secret?: string;
}

export interface NumberedFleet {
  /** Seqs whose PUBACK each device has received. */
  acked: Map<string, Set<number>>;
  sent(): number;
  /** Stops publishing new seqs and waits (through reconnects) until every sent one is acknowledged. */
  finish(timeoutMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Devices as the contract asks them to behave: `clean: false`, QoS 1, `seq` counting up from 1,
 * up to `inFlight` unacknowledged publishes each, reconnecting after the broker goes away; mqtt.js
 * resends what was not acknowledged. Readings carry no `ts` unless `withTs`: the harder case for
 * storing a redelivery once (each copy would get a new receive time).
 */
export async function startNumberedDevices(options: {
  url: string;
  /** Brokers to fail over to, in turn, each time the connection is lost (a cluster's other nodes). */
  fallbackUrls?: string[];
  devices: NumberedDevice[];
  inFlight: number;
  metric: { name: string; value: number };
  withTs?: boolean;
  /** Pause between a device's publishes (default none: as fast as acknowledgements come). */
  intervalMs?: number;
  /**
   * A fixed pace instead: each device publishes this many readings a second whatever the
   * acknowledgement latency, skipping a beat while `inFlight` are unacknowledged.
   */
  ratePerDevice?: number;
}): Promise<NumberedFleet> {
  const acked = new Map<string, Set<number>>();
  let sent = 0;
  let publishing = true;
  const outstanding = new Map<string, number>();
  const clients: MqttClient[] = [];
  const pacers: NodeJS.Timeout[] = [];

  for (const device of options.devices) {
    const client = mqtt.connect(options.url, {
      ...(options.fallbackUrls ? { servers: [options.url, ...options.fallbackUrls].map(serverOf) } : {}),
      clientId: device.id,
      username: device.id,
      password: device.secret ?? '',
      clean: false,
      protocolVersion: 4,
      reconnectPeriod: 200,
      connectTimeout: 5_000,
    });
    client.on('error', () => {});
    clients.push(client);
    acked.set(device.id, new Set());
    outstanding.set(device.id, 0);
    let seq = 0;
    const topic = `gs/v1/${device.gridId}/${device.id}/telemetry`;
    const publishOne = (paced: boolean) => {
      const current = ++seq;
      sent++;
      outstanding.set(device.id, (outstanding.get(device.id) ?? 0) + 1);
      const body = {
        seq: current,
        ...(options.withTs ? { ts: Date.now() } : {}),
        metrics: { [options.metric.name]: options.metric.value },
      };
      client.publish(topic, JSON.stringify(body), { qos: 1 }, (error) => {
        outstanding.set(device.id, (outstanding.get(device.id) ?? 0) - 1);
        if (!error) acked.get(device.id)!.add(current);
        if (paced) return;
        if (options.intervalMs) setTimeout(pump, options.intervalMs);
        else setImmediate(pump);
      });
    };
    const pump = () => {
      while (publishing && (outstanding.get(device.id) ?? 0) < options.inFlight) publishOne(false);
    };
    const pace = () => {
      if (publishing && (outstanding.get(device.id) ?? 0) < options.inFlight) publishOne(true);
    };
    if (options.ratePerDevice) {
      client.once('connect', () => pacers.push(setInterval(pace, 1000 / options.ratePerDevice!)));
      continue;
    }
    client.once('connect', pump);
  }
  await Promise.all(clients.map((c) => (c.connected ? undefined : new Promise((r) => c.once('connect', r)))));
  const stopPublishing = () => {
    publishing = false;
    for (const pacer of pacers) clearInterval(pacer);
  };

  return {
    acked,
    sent: () => sent,
    async finish(timeoutMs) {
      stopPublishing();
      const deadline = Date.now() + timeoutMs;
      while ([...outstanding.values()].some((n) => n > 0)) {
        if (Date.now() > deadline)
          throw new Error(`unacknowledged after ${timeoutMs} ms: ${JSON.stringify([...outstanding])}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async close() {
      stopPublishing();
      await Promise.all(clients.map((c) => c.endAsync(true)));
    },
  };
}

/** mqtt.js' form of a broker address, for its `servers` rotation. */
function serverOf(url: string): { host: string; port: number; protocol: 'mqtt' } {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port), protocol: 'mqtt' };
}

/** How many times each seq of a device is stored in InfluxDB (rows, not distinct seqs). */
export async function influxSeqCounts(
  influxUrl: string,
  database: string,
  deviceId: string,
): Promise<Map<number, number>> {
  const q = `SELECT "seq" FROM "telemetry" WHERE "device_id" = '${deviceId}'`;
  const response = await fetch(`${influxUrl}/query?${new URLSearchParams({ db: database, q, epoch: 'ms' })}`);
  const body = (await response.json()) as { results: { series?: { values: [number, number][] }[] }[] };
  const counts = new Map<number, number>();
  for (const [, seq] of body.results[0]?.series?.[0]?.values ?? [])
    counts.set(seq, (counts.get(seq) ?? 0) + 1);
  return counts;
}

/** The same from the embedded store's file (one row per metric; the fleet sends one metric). */
export function embeddedSeqCounts(dataDir: string, deviceId: string): Map<number, number> {
  const db = new Database(path.join(dataDir, 'timeseries.db'), { readonly: true });
  try {
    const rows = db
      .prepare('SELECT seq, COUNT(*) AS n FROM readings WHERE device_id = ? GROUP BY seq')
      .all(deviceId) as { seq: number; n: number }[];
    return new Map(rows.map((r) => [r.seq, r.n]));
  } finally {
    db.close();
  }
}

/** Acknowledged seqs that are not stored exactly once, per device (empty when all is well). */
export function misstored(
  acked: Map<string, Set<number>>,
  counts: Map<string, Map<number, number>>,
): string[] {
  const problems: string[] = [];
  for (const [deviceId, seqs] of acked) {
    const stored = counts.get(deviceId) ?? new Map<number, number>();
    for (const seq of seqs) {
      const n = stored.get(seq) ?? 0;
      if (n !== 1) problems.push(`${deviceId}#${seq}×${n}`);
    }
    // Stored more than once even if never acknowledged is a duplicate too.
    for (const [seq, n] of stored)
      if (n > 1 && !seqs.has(seq)) problems.push(`${deviceId}#${seq}×${n} (unacked)`);
  }
  return problems;
}
