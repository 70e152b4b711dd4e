import fc from 'fast-check';
import type { FuzzTarget } from './target';

/**
 * One way into the platform from the network. A case is a batch of inputs sent together
 * (pipelined on one connection or concurrently); `send` resolves with how many of them reached
 * the entry point and throws on a finding (an answer ≥ 500, a lost connection, …). Up to `lanes`
 * cases run at once, each lane on its own resources (`lane` picks them: devices, sockets).
 */
export interface EntryPoint<Case> {
  lanes: number;
  cases: fc.Arbitrary<Case>;
  send(input: Case, lane: number): Promise<number>;
  /** Things worth counting that are not findings (answers withheld, connections refused …). */
  counters?: Record<string, number>;
  close?(): Promise<void>;
}

export interface EntryPointReport {
  name: string;
  cases: number;
  inputs: number;
  findings: string[];
  counters: Record<string, number>;
  durationMs: number;
}

/** Thrown by `send` when the platform no longer accepts connections at all. */
export class TargetDown extends Error {}

const RECENT_CASES = 20;
const MAX_SHOWN = 4_000;
/** Cases per fast-check round: rounds end often enough to stop close to the input budget. */
const MAX_ROUND = 2_000;
const CALIBRATION_ROUND = 10;

const excerpt = (text: string) => (text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)} …` : text);

/**
 * Runs about `inputs` generated inputs into `entryPoint` in fast-check rounds on each lane (a
 * failing case is shrunk to a small one, and ends the run), then checks the platform still
 * answers /healthz and stores a device's reading. Once the platform stops answering, the cases
 * sent just before are the finding. Round `r` of lane `l` uses seed `seed + 1000 l + r`.
 */
export async function fuzzEntryPoint<Case>(
  target: FuzzTarget,
  name: string,
  entryPoint: EntryPoint<Case>,
  inputs: number,
  seed: number,
): Promise<EntryPointReport> {
  const started = Date.now();
  const findings: string[] = [];
  const recent: Case[] = [];
  let cases = 0;
  let delivered = 0;
  let downAfter: Case[] | undefined;

  const lane = async (index: number) => {
    const property = fc.asyncProperty(entryPoint.cases, async (input) => {
      // Once the platform is gone every case would fail: stop sending, keep what came before.
      // After a finding on another lane, run out this round without sending.
      if (downAfter || findings.length > 0) return;
      cases += 1;
      recent.push(input);
      if (recent.length > RECENT_CASES) recent.shift();
      try {
        // Not `delivered += await …`: that reads `delivered` before the other lanes add to it.
        const reached = await entryPoint.send(input, index);
        delivered += reached;
      } catch (error) {
        if (!(error instanceof TargetDown)) throw error;
        downAfter = [...recent];
      }
    });
    for (let round = 0; delivered < inputs && findings.length === 0 && !downAfter; round += 1) {
      // The first round is short: it measures how many inputs a case sends.
      const perCase = cases > 0 ? Math.max(1, delivered / cases) : 1;
      const rounds = cases > 0 ? MAX_ROUND : CALIBRATION_ROUND;
      const numRuns = Math.min(rounds, Math.ceil((inputs - delivered) / perCase / entryPoint.lanes));
      const details = await fc.check(property, {
        numRuns: Math.max(1, numRuns),
        seed: seed + 1000 * index + round,
      });
      if (details.failed)
        findings.push(
          excerpt(
            `${String(details.errorInstance)}\n  case (seed ${details.seed}, path ${details.counterexamplePath}): ` +
              fc.stringify(details.counterexample),
          ),
        );
    }
  };
  await Promise.all(Array.from({ length: entryPoint.lanes }, (_, index) => lane(index)));

  try {
    await target.assertAlive();
  } catch (error) {
    findings.push(
      excerpt(
        `the platform stopped answering (${String(error)}); the last cases before: ` +
          fc.stringify(downAfter ?? recent),
      ),
    );
  }
  await entryPoint.close?.();
  return {
    name,
    cases,
    inputs: delivered,
    findings,
    counters: { ...entryPoint.counters },
    durationMs: Date.now() - started,
  };
}

/** Splits `total` inputs over the entry points by weight. */
export function shareInputs(
  entryPoints: { name: string; weight: number }[],
  total: number,
): Map<string, number> {
  const weights = entryPoints.reduce((sum, e) => sum + e.weight, 0);
  return new Map(entryPoints.map((e) => [e.name, Math.ceil((total * e.weight) / weights)]));
}

/** A plain-text table of the reports, for the console and docs. */
export function summarize(reports: EntryPointReport[], durationMs: number): string {
  const lines = reports.map((r) => {
    const counters = Object.entries(r.counters)
      .filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
    return (
      `${r.name.padEnd(22)} ${String(r.inputs).padStart(9)} inputs ${String(r.cases).padStart(8)} cases ` +
      `${String(r.findings.length).padStart(3)} findings ${(r.durationMs / 1000).toFixed(1).padStart(7)} s` +
      (counters ? `  (${counters})` : '')
    );
  });
  const inputs = reports.reduce((sum, r) => sum + r.inputs, 0);
  const findings = reports.flatMap((r) => r.findings.map((f) => `- ${r.name}: ${f}`));
  return [
    ...lines,
    `${'total'.padEnd(22)} ${String(inputs).padStart(9)} inputs, ${findings.length} findings, ${(durationMs / 1000).toFixed(1)} s`,
    ...findings,
  ].join('\n');
}
