/**
 * Scenario 1 (and 4): the highest zero-loss rate of one system. The same paced load runs at
 * fixed rates, one step after another; a step passes only if the pace was held, every message
 * was acknowledged, nothing disconnected, and every reading is found where the system stores it
 * (counted per device by seq).
 */
import type { Child } from '../lib/child';
import { startCpuMeter } from '../lib/proc-cpu';
import type { StepRequest, StepResult } from '../load/load-types';

export interface Verification {
  stored: number;
  lost: number;
  /** Devices whose stored seq range is not exactly the sent one. */
  seqMismatches: number;
  settleMs: number;
}

export interface SystemUnderTest {
  name: string;
  label: string;
  mqttPort: number;
  /** GridSense's web port (socket.io), for the alert-latency probes. */
  httpPort?: number;
  /** Counts what the system kept of a finished step (waits up to its own settle time). */
  verify(step: StepResult): Promise<Verification>;
  child: Child<unknown>;
  /**
   * Resolves once whatever the system still had queued has been worked off (what it stores has
   * stopped moving), so a failed step's backlog does not count against the next step.
   */
  waitIdle(): Promise<void>;
  /** Every process of the system (broker, flow engine…; a list is summed as one), for CPU shares. */
  pids: Record<string, number | number[]>;
  stop(): Promise<void>;
}

/** What the rate search needs of a system: its processes, and counting what it kept. */
export type MeasuredSystem = Pick<SystemUnderTest, 'name' | 'label' | 'pids' | 'verify' | 'waitIdle'>;

export interface RateSearch {
  /** Explicit rates, tried in ascending order up to the first failure; otherwise a ladder. */
  rates?: number[];
  startRate: number;
  factor: number;
  maxRate: number;
  /** Bisection steps between the last pass and the first failure. */
  refine: number;
  holdMs: number;
  /** Re-run the best rate for this long (the "held for 60 s"); 0 skips it. */
  confirmHoldMs: number;
  maxInflight: number;
  drainTimeoutMs: number;
}

export interface StepOutcome {
  rate: number;
  holdMs: number;
  passed: boolean;
  why: string[];
  step: StepResult;
  verification: Verification;
  /** Share of one core per process while the step ran (publisher = the load generator). */
  cpu: Record<string, number>;
}

export interface IngestResult {
  system: string;
  label: string;
  /** Highest rate that passed the long confirming hold (or the step hold when there is none). */
  best: number | undefined;
  /** The hold the best rate passed with. */
  bestHoldMs: number;
  /** Highest rate that passed a step hold, confirmed or not. */
  bestShortHold: number | undefined;
  steps: StepOutcome[];
}

/** Why a step does not count as held with zero loss (empty when it does). */
export function judgeStep(step: StepResult, verification: Verification): string[] {
  const why: string[] = [];
  if (step.sent < step.planned) why.push(`sent ${step.sent}/${step.planned}`);
  // 5 % (or 150 ms) slack for timer jitter on a shared machine.
  if (step.sendMs > step.durationMs * 1.05 + 150) why.push(`pace not held (${Math.round(step.sendMs)} ms)`);
  if (step.acked < step.sent) why.push(`${step.sent - step.acked} unacknowledged`);
  if (step.disconnects > 0) why.push(`${step.disconnects} disconnects`);
  if (verification.lost > 0) why.push(`${verification.lost} lost`);
  if (verification.seqMismatches > 0) why.push(`${verification.seqMismatches} devices with seq gaps`);
  return why;
}

export async function runStep(
  sut: MeasuredSystem,
  publisher: Child<unknown>,
  request: StepRequest,
): Promise<StepOutcome> {
  const stopMeter = startCpuMeter({ ...sut.pids, publisher: publisher.pid });
  const step = await publisher.call<StepResult>('run', request);
  const cpu = stopMeter();
  const verification = await sut.verify(step);
  const why = judgeStep(step, verification);
  return {
    cpu,
    rate: request.rate,
    holdMs: request.durationMs,
    passed: why.length === 0,
    why,
    step,
    verification,
  };
}

/** "gridsense 97 %, publisher 31 %": shares of one core. */
export function formatCpu(cpu: Record<string, number>): string {
  return Object.entries(cpu)
    .map(([name, share]) => `${name} ${Number.isNaN(share) ? '?' : Math.round(share * 100)} %`)
    .join(', ');
}

const pause = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

/** A few slow messages first: JIT, connections, the store's measurement, Node-RED's subscription. */
export async function warmUp(
  sut: MeasuredSystem,
  publisher: Child<unknown>,
  log: (line: string) => void,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const outcome = await runStep(sut, publisher, {
      rate: 200,
      durationMs: 1000,
      maxInflight: 100,
      drainTimeoutMs: 5000,
    });
    if (outcome.passed) return;
    if (attempt >= 5) throw new Error(`${sut.name} does not store a warm-up load: ${outcome.why.join(', ')}`);
    log(`  ${sut.name} warm-up: ${outcome.why.join(', ')}; retrying`);
    await pause(1000);
  }
}

export async function findZeroLossRate(
  sut: MeasuredSystem,
  publisher: Child<unknown>,
  search: RateSearch,
  log: (line: string) => void,
): Promise<IngestResult> {
  const steps: StepOutcome[] = [];
  const attempt = async (rate: number, holdMs: number): Promise<boolean> => {
    const request = {
      rate: Math.round(rate),
      durationMs: holdMs,
      maxInflight: search.maxInflight,
      drainTimeoutMs: search.drainTimeoutMs,
    };
    const outcome = await runStep(sut, publisher, request);
    steps.push(outcome);
    const { step } = outcome;
    log(
      `  ${sut.name} ${request.rate} msg/s × ${holdMs / 1000} s: ${outcome.passed ? 'zero loss' : outcome.why.join(', ')}` +
        ` (stored ${outcome.verification.stored}/${step.sent}, ack p99 ${step.ackP99Ms.toFixed(1)} ms, CPU ${formatCpu(outcome.cpu)})`,
    );
    await pause(500); // let the system settle between steps
    if (!outcome.passed) await sut.waitIdle();
    return outcome.passed;
  };

  let best: number | undefined;
  let failed: number | undefined;
  const ladder = search.rates ? [...search.rates].sort((a, b) => a - b) : undefined;
  for (let rate = ladder?.[0] ?? search.startRate, i = 0; rate <= search.maxRate;) {
    if (!(await attempt(rate, search.holdMs))) {
      failed = rate;
      break;
    }
    best = rate;
    if (ladder) {
      const next = ladder[++i];
      if (next === undefined) break;
      rate = next;
    } else rate = Math.round(rate * search.factor);
  }
  for (let n = 0; !ladder && n < search.refine && best !== undefined && failed !== undefined; n++) {
    const middle = Math.round((best + failed) / 2);
    if (await attempt(middle, search.holdMs)) best = middle;
    else failed = middle;
  }
  let bestHoldMs = search.holdMs;
  const bestShortHold = best;
  if (best !== undefined && search.confirmHoldMs > search.holdMs) {
    // A short step can hide a backlog; the best rate must also hold for the long run. Step down
    // 10 % at a time, to half the short-step rate at most, until a rate does: a stack whose backlog
    // grows gets a figure of its own instead of none (the ratios need one).
    for (const candidate of [1, 0.9, 0.8, 0.7, 0.6, 0.5].map((share) => Math.round(best! * share))) {
      if (await attempt(candidate, search.confirmHoldMs)) {
        [best, bestHoldMs] = [candidate, search.confirmHoldMs];
        break;
      }
      best = undefined;
    }
  }
  return { system: sut.name, label: sut.label, best, bestHoldMs, bestShortHold, steps };
}
