import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';
import type { SpoolDepth } from './spool/spool';

/** Live numbers a running ingest reports when Prometheus scrapes. */
export interface IngestGaugeSource {
  spool(): SpoolDepth;
  inFlight(): { readings: number; waiting: number };
  now(): number;
}

export type MessageKind = 'telemetry' | 'event' | 'status';
export type MessageOutcome = 'accepted' | 'rejected' | 'duplicate';

export interface IngestMetrics {
  registry: Registry;
  /**
   * Counts one device message. Kept in plain numbers and added to `messages` when it is read
   * (a scrape, or `get()`): a labelled counter hashes its labels on every increment.
   */
  countMessage(kind: MessageKind, outcome: MessageOutcome): void;
  /** Counts readings decoded from telemetry, added to `readingsIn` when it is read. */
  countReadingsIn(count: number): void;
  messages: Counter<'kind' | 'outcome'>;
  readingsIn: Counter;
  readingsOut: Counter<'path'>;
  rejects: Counter<'reason'>;
  duplicates: Counter<'kind'>;
  seqGaps: Counter;
  storeWriteSeconds: Histogram<'outcome'>;
  batchSize: Histogram;
  pubackDelaySeconds: Histogram<'path'>;
  spoolFull: Gauge;
  spoolWriteErrors: Counter<'code'>;
  /** Reports a running ingest's spool and in-flight numbers until the returned function is called. */
  watch(source: IngestGaugeSource): () => void;
}

/** All ingest metrics on `registry`, named `gridsense_…` (Prometheus text format via registry.metrics()). */
export function createIngestMetrics(registry: Registry): IngestMetrics {
  const sources = new Set<IngestGaugeSource>();
  const sum = (pick: (s: IngestGaugeSource) => number) =>
    [...sources].reduce((total, s) => total + pick(s), 0);
  const registers = [registry];
  const zero = () => ({ accepted: 0, rejected: 0, duplicate: 0 });
  const pendingMessages: Record<MessageKind, Record<MessageOutcome, number>> = {
    telemetry: zero(),
    event: zero(),
    status: zero(),
  };
  let pendingReadingsIn = 0;

  const spoolGauge = (name: string, help: string, pick: (depth: SpoolDepth) => number) =>
    new Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(sum((s) => pick(s.spool())));
      },
    });
  spoolGauge('gridsense_spool_readings', 'Readings and events waiting in the on-disk spool', (d) => d.items);
  spoolGauge('gridsense_spool_bytes', 'Bytes used by the on-disk spool', (d) => d.bytes);
  new Gauge({
    name: 'gridsense_spool_oldest_age_seconds',
    help: 'Age of the oldest batch waiting in the spool (0 when empty)',
    registers,
    collect() {
      const ages = [...sources].map((s) => {
        const oldest = s.spool().oldestAt;
        return oldest === undefined ? 0 : (s.now() - oldest) / 1000;
      });
      this.set(Math.max(0, ...ages));
    },
  });
  new Gauge({
    name: 'gridsense_ingest_in_flight_readings',
    help: 'Readings admitted and not yet durable (bounded by GRIDSENSE_INGEST_MAX_IN_FLIGHT)',
    registers,
    collect() {
      this.set(sum((s) => s.inFlight().readings));
    },
  });
  new Gauge({
    name: 'gridsense_ingest_waiting_messages',
    help: 'Messages waiting for an in-flight slot (their PUBACK waits with them)',
    registers,
    collect() {
      this.set(sum((s) => s.inFlight().waiting));
    },
  });

  return {
    registry,
    countMessage(kind, outcome) {
      pendingMessages[kind][outcome]++;
    },
    countReadingsIn(count) {
      pendingReadingsIn += count;
    },
    messages: new Counter({
      name: 'gridsense_ingest_messages_total',
      help: 'Device messages handled, by kind (telemetry, event, status) and outcome (accepted, rejected, duplicate)',
      labelNames: ['kind', 'outcome'],
      registers,
      collect() {
        for (const kind of Object.keys(pendingMessages) as MessageKind[]) {
          const counts = pendingMessages[kind];
          for (const outcome of Object.keys(counts) as MessageOutcome[]) {
            if (counts[outcome] > 0) this.inc({ kind, outcome }, counts[outcome]);
            counts[outcome] = 0;
          }
        }
      },
    }),
    readingsIn: new Counter({
      name: 'gridsense_ingest_readings_in_total',
      help: 'Readings decoded from accepted telemetry (before duplicate removal)',
      registers,
      collect() {
        if (pendingReadingsIn > 0) this.inc(pendingReadingsIn);
        pendingReadingsIn = 0;
      },
    }),
    readingsOut: new Counter({
      name: 'gridsense_ingest_readings_out_total',
      help: 'Readings made durable: written to the store, appended to the spool, or replayed from it',
      labelNames: ['path'],
      registers,
    }),
    rejects: new Counter({
      name: 'gridsense_ingest_rejects_total',
      help: 'Device messages rejected, by reason',
      labelNames: ['reason'],
      registers,
    }),
    duplicates: new Counter({
      name: 'gridsense_ingest_duplicates_total',
      help: 'Readings or events dropped because their seq was already stored',
      labelNames: ['kind'],
      registers,
    }),
    seqGaps: new Counter({
      name: 'gridsense_ingest_seq_gaps_total',
      help: 'Seq numbers skipped by devices (possible loss upstream of GridSense)',
      registers,
    }),
    storeWriteSeconds: new Histogram({
      name: 'gridsense_store_write_seconds',
      help: 'Time-series store write latency per batch',
      labelNames: ['outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers,
    }),
    batchSize: new Histogram({
      name: 'gridsense_ingest_batch_size',
      help: 'Readings and events per group commit',
      buckets: [1, 5, 10, 50, 100, 500, 1000, 2500, 5000],
      registers,
    }),
    pubackDelaySeconds: new Histogram({
      name: 'gridsense_puback_delay_seconds',
      help: 'From a device message arriving to its acknowledgement being released (durable or rejected)',
      labelNames: ['path'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5, 30],
      registers,
    }),
    spoolFull: new Gauge({
      name: 'gridsense_spool_full',
      help: '1 while acknowledgements are held because the spool cannot take batches: at its limit with the store down, or its disk failing (see README: spool full)',
      registers,
    }),
    spoolWriteErrors: new Counter({
      name: 'gridsense_spool_write_errors_total',
      help: 'Spool appends the disk refused, by error code (ENOSPC: disk full); their acknowledgements are held',
      labelNames: ['code'],
      registers,
    }),
    watch(source) {
      sources.add(source);
      return () => sources.delete(source);
    },
  };
}

/** The process's registry, served at GET /metrics, with Node's own process metrics. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry, prefix: 'gridsense_' });

/** Ingest's metrics in this process (several ingests in one test process add up). */
export const ingestMetrics = createIngestMetrics(metricsRegistry);

type MetricsSource = () => Promise<MetricObjectWithValues<MetricValue<string>>[]>;
const metricsSources = new Set<MetricsSource>();

/**
 * Adds metrics kept elsewhere (ingest's worker thread) to what GET /metrics serves; counters and
 * gauges of the same name add up. Returns the function that removes them again.
 */
export function addMetricsSource(source: MetricsSource): () => void {
  metricsSources.add(source);
  return () => metricsSources.delete(source);
}

/** The process's metrics in Prometheus text format, with those of every added source. */
export async function metricsText(): Promise<string> {
  if (metricsSources.size === 0) return metricsRegistry.metrics();
  const all = await Promise.all([
    metricsRegistry.getMetricsAsJSON(),
    ...[...metricsSources].map((source) => source()),
  ]);
  return AggregatorRegistry.aggregate(all).metrics();
}
