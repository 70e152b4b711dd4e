/** What the orchestrator and the load processes exchange over IPC. */
export interface BenchDevice {
  id: string;
  gridId: string;
  type: string;
  secret: string;
}

export interface StepRequest {
  /** Messages per second over all connections. */
  rate: number;
  durationMs: number;
  /** Per connection; a system that acknowledges slowly then holds the generator back. */
  maxInflight: number;
  drainTimeoutMs: number;
}

export interface DeviceStep {
  id: string;
  sent: number;
  firstSeq: number;
  firstTs: number;
  lastTs: number;
}

export interface StepResult {
  rate: number;
  durationMs: number;
  planned: number;
  sent: number;
  acked: number;
  /** Time to send `planned` at the rate: ≈ durationMs when the pace was held. */
  sendMs: number;
  /** After the last publish, until every PUBACK was in (or the drain timeout). */
  drainMs: number;
  /** Most messages ever overdue at one turn of the pacing loop (generator or system falling behind). */
  behindMax: number;
  disconnects: number;
  /** Publish → PUBACK, sampled (for GridSense a PUBACK means stored). */
  ackP50Ms: number;
  ackP99Ms: number;
  windowFrom: number;
  windowTo: number;
  perDevice: DeviceStep[];
}

export interface SwarmRequest {
  host: string;
  port: number;
  localAddress: string;
  devices: BenchDevice[];
  concurrency: number;
}

export interface SwarmResult {
  localAddress: string;
  attempted: number;
  connected: number;
  failed: number;
  firstError: string | undefined;
  connectMs: number;
}
