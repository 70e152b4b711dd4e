/**
 * How a run spreads its devices: over broker nodes (each under its open-file limit), over source
 * addresses (each under the broker's per-address guard) and over load generators (each under
 * its own open-file limit), so every generator reaches every node at once.
 */
import type { DeviceGroup } from './generator';

export interface SpreadPlan {
  nodes: number;
  /** Device index ranges per node (indexes from 1). */
  perNode: { first: number; count: number }[];
  /** Each generator's groups. */
  generators: DeviceGroup[][];
}

/** Source address number `n` in 127.10.0.2 …: 127/8 is local, skip .0/.1/.255 host bytes. */
export function sourceAddress(n: number): string {
  const host = 2 + (n % 250);
  const mid = Math.floor(n / 250) % 250;
  const high = 10 + Math.floor(n / 62_500);
  return `127.${high}.${mid}.${host}`;
}

export function planSpread(options: {
  devices: number;
  maxPerNode: number;
  maxPerGenerator: number;
  perAddress: number;
  nodePorts: number[];
}): SpreadPlan & { groups: DeviceGroup[] } {
  const { devices, nodePorts } = options;
  const nodes = nodePorts.length;
  if (nodes * options.maxPerNode < devices)
    throw new Error(`${devices} devices need more than ${nodes} nodes of ${options.maxPerNode}`);
  const perNode: { first: number; count: number }[] = [];
  const groups: DeviceGroup[] = [];
  let first = 1;
  for (let node = 0; node < nodes; node++) {
    // Even shares; the first nodes take the remainder.
    const count = Math.floor(devices / nodes) + (node < devices % nodes ? 1 : 0);
    perNode.push({ first, count });
    for (let at = first; at < first + count; at += options.perAddress) {
      groups.push({
        port: nodePorts[node]!,
        localAddress: sourceAddress(groups.length),
        first: at,
        count: Math.min(options.perAddress, first + count - at),
      });
    }
    first += count;
  }
  const generatorCount = Math.max(1, Math.ceil(devices / options.maxPerGenerator));
  // Consecutive runs of the node-interleaved order (not round-robin, which with as many
  // generators as nodes would give each generator one node): each generator loads every node.
  const interleaved = interleaveByPort(groups);
  const generators: DeviceGroup[][] = Array.from({ length: generatorCount }, () => []);
  interleaved.forEach((group, i) =>
    generators[Math.floor((i * generatorCount) / interleaved.length)]!.push(group),
  );
  return { nodes, perNode, generators, groups };
}

function interleaveByPort(groups: DeviceGroup[]): DeviceGroup[] {
  const byPort = new Map<number, DeviceGroup[]>();
  for (const group of groups) byPort.set(group.port, [...(byPort.get(group.port) ?? []), group]);
  const queues = [...byPort.values()];
  const out: DeviceGroup[] = [];
  for (let i = 0; out.length < groups.length; i++)
    for (const queue of queues) if (queue[i]) out.push(queue[i]!);
  return out;
}
