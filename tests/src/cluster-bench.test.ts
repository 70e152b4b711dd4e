import { describe, expect, it } from 'vitest';
import { describeCpuPerReading, splitDevices } from '../../bench/scenarios/cluster-ingest';
import type { StepOutcome } from '../../bench/scenarios/ingest';

// The cluster scenario (npm run bench -- --only cluster) starts two clusters of processes and takes
// minutes, too long for a smoke test; its arithmetic is checked here instead.
describe('cluster bench arithmetic', () => {
  it('puts each device on exactly one node, the nodes within one device of each other', () => {
    const devices = Array.from({ length: 25 }, (_, i) => `d${i}`);
    const groups = splitDevices(devices, 2);
    expect(groups.map((group) => group.length)).toEqual([13, 12]);
    expect(groups.flat().sort()).toEqual([...devices].sort());
    expect(splitDevices(devices, 1)).toEqual([devices]);
  });

  it('divides each node’s CPU by the readings of its own devices, the cluster’s by all of them', () => {
    const perDevice = (id: string, sent: number) => ({ id, sent, firstSeq: 1, firstTs: 0, lastTs: 0 });
    // 4 s of sending and 1 s of draining: 5 s of wall time.
    const outcome = {
      cpu: { 'node-1': 0.5, 'node-2': 0.25, postgres: 0.1, publisher: 0.3, stolen: 0.05 },
      step: {
        sendMs: 4_000,
        drainMs: 1_000,
        sent: 7_500,
        perDevice: [perDevice('a', 2_500), perDevice('b', 2_500), perDevice('c', 2_500)],
      },
    } as unknown as StepOutcome;
    const figures = describeCpuPerReading(outcome, [
      { name: 'node-1', deviceIds: new Set(['a', 'b']) },
      { name: 'node-2', deviceIds: new Set(['c']) },
    ]);
    // node-1: 0.5 × 5 s = 2.5 s of CPU over 5,000 readings; node-2: 1.25 s over 2,500.
    expect(figures.nodeCpuUsPerReading).toEqual({ 'node-1': 500, 'node-2': 500 });
    // node-1 + node-2 + postgres = 0.85 × 5 s over 7,500 readings; not the publisher or the steal.
    expect(figures.clusterCpuUsPerReading).toBeCloseTo(566.67, 1);
  });
});
