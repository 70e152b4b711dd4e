import { describe, expect, it } from 'vitest';
import { planSpread } from '../../bench/connections/plan';
import { runConnectionBench } from '../../bench/connections/run';

// The connection bench at a size CI runs in seconds: the machinery (registry, broker nodes,
// generators, probes) must work, and every device spread over the nodes must be let in with its
// own secret, and only with it. No wall-time assertions: the figures belong to a full run.
describe('connection bench (npm run bench:connections)', () => {
  it('spreads devices so no node, generator or source address takes more than its share', () => {
    const plan = planSpread({
      devices: 2_345,
      maxPerNode: 1_000,
      maxPerGenerator: 800,
      perAddress: 100,
      nodePorts: [1001, 1002, 1003],
    });
    expect(plan.perNode.map((node) => node.count)).toEqual([782, 782, 781]);
    expect(plan.generators).toHaveLength(3);
    const indexes = plan.groups.flatMap((g) => Array.from({ length: g.count }, (_, i) => g.first + i));
    expect(new Set(indexes).size).toBe(2_345);
    expect(Math.max(...plan.groups.map((g) => g.count))).toBeLessThanOrEqual(100);
    expect(new Set(plan.groups.map((g) => g.localAddress)).size).toBe(plan.groups.length);
    for (const groups of plan.generators) {
      // Every generator reaches every node.
      expect(new Set(groups.map((g) => g.port))).toEqual(new Set([1001, 1002, 1003]));
      expect(groups.reduce((n, g) => n + g.count, 0)).toBeLessThanOrEqual(800 + 100);
    }
  });

  it('connects 2 broker nodes × 500 devices, all authenticated and subscribed; a wrong secret is refused', async () => {
    const wrongDevice = 7;
    const report = await runConnectionBench(
      {
        devices: 1_000,
        maxPerNode: 500,
        maxPerGenerator: 500,
        perAddress: 100,
        keepaliveS: 120,
        subscribe: true,
        concurrency: 50,
        holdMs: 500,
        wrongSecret: [wrongDevice],
      },
      () => {},
    );
    expect(report.totals).toMatchObject({
      attempted: 1_000,
      connected: 999,
      subscribed: 999,
      // 4: "bad user name or password", as the device contract says.
      refused: { 4: 1 },
      failed: 0,
      stillOpen: 999,
      dropped: 0,
    });
    // Device 7 belongs to the first node: it holds one connection fewer.
    expect(report.nodes.map((node) => node.connections)).toEqual([499, 500]);
    expect(report.generators).toHaveLength(2);
    for (const node of report.nodes) {
      expect(Number.isFinite(node.heapPerConnection)).toBe(true);
      expect(node.after.openFileLimit).toBeGreaterThanOrEqual(500);
    }
    const perPort = report.generators.flatMap((g) => Object.entries(g.perPort));
    for (const node of report.nodes) {
      const held = perPort.filter(([port]) => Number(port) === node.port).reduce((n, [, c]) => n + c, 0);
      expect(held).toBe(node.connections);
    }
  }, 180_000); // two broker processes and two generators start; headroom for a busy CI
});
