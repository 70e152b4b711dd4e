import { credentialsEntryPoint } from './credentials';
import { httpRawEntryPoint } from './http-raw';
import { mqttRawEntryPoint } from './mqtt-raw';
import { restEntryPoint } from './rest';
import { fuzzEntryPoint, type EntryPoint, type EntryPointReport } from './runner';
import { socketEventsEntryPoint } from './socket-events';
import type { FuzzTarget } from './target';

export interface FuzzEntry {
  name: string;
  /** Its share of a run's inputs: raw TCP and MQTT inputs are cheap, REST requests are not. */
  weight: number;
  run(target: FuzzTarget, inputs: number, seed: number): Promise<EntryPointReport>;
}

const entry = <Case>(
  name: string,
  weight: number,
  create: (target: FuzzTarget) => EntryPoint<Case> | Promise<EntryPoint<Case>>,
): FuzzEntry => ({
  name,
  weight,
  run: async (target, inputs, seed) => fuzzEntryPoint(target, name, await create(target), inputs, seed),
});

/** Every way into the platform from the network, in the order a run visits them. */
export const ENTRY_POINTS: FuzzEntry[] = [
  entry('REST routes', 8, restEntryPoint),
  entry('socket.io events', 20, socketEventsEntryPoint),
  entry('cookies and auth', 17, credentialsEntryPoint),
  entry('HTTP raw requests', 25, httpRawEntryPoint),
  entry('MQTT raw packets', 30, mqttRawEntryPoint),
];

/**
 * Inputs over all entry points: `FUZZ_INPUTS` when set (read by the fuzzing process only: the
 * platform's own settings are `GRIDSENSE_*`), else `fallback`.
 */
export function inputBudget(fallback: number): number {
  const value = Number(process.env.FUZZ_INPUTS);
  return Number.isSafeInteger(value) && value > 0 ? value : fallback;
}

/** `FUZZ_SEED` replays a run; otherwise a fresh seed, printed with the results. */
export function fuzzSeed(): number {
  const value = Number(process.env.FUZZ_SEED);
  return Number.isSafeInteger(value) ? value : Math.floor(Math.random() * 2 ** 31);
}
