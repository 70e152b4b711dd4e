import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildFlowNodes } from './build-nodes';
import { EXAMPLES_DIR, installExampleFlows, readExampleFlows } from './example-flows';

interface FlowNode {
  id: string;
  type: string;
  z?: string;
  wires?: string[][];
}

const GRIDSENSE_TYPES = [
  'gridsense-telemetry-in',
  'gridsense-event-in',
  'gridsense-raise-risk',
  'gridsense-case-in',
];
const CORE_TYPES = ['tab', 'switch', 'change', 'debug'];

describe('example flows', () => {
  it('use only known node types, unique ids, and wires and tabs that exist', async () => {
    const nodes = (await readExampleFlows()) as FlowNode[];
    const ids = new Set(nodes.map((n) => n.id));
    expect(ids.size).toBe(nodes.length);
    for (const node of nodes) {
      expect([...GRIDSENSE_TYPES, ...CORE_TYPES]).toContain(node.type);
      if (node.z !== undefined) expect(ids.has(node.z)).toBe(true);
      for (const target of (node.wires ?? []).flat()) expect(ids.has(target)).toBe(true);
    }
    expect(new Set(nodes.map((n) => n.type))).toEqual(new Set([...GRIDSENSE_TYPES, ...CORE_TYPES]));
  });

  it('are installed on the first start only', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gridsense-flows-'));
    try {
      const flowFile = join(dir, 'flows.json');
      expect(await installExampleFlows(flowFile)).toBe(true);
      expect(JSON.parse(await readFile(flowFile, 'utf8'))).toEqual(await readExampleFlows());
      expect(await installExampleFlows(flowFile)).toBe(false);
      expect((await readdir(EXAMPLES_DIR)).length).toBeGreaterThanOrEqual(3);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('buildFlowNodes', () => {
  it('writes a Node-RED module: a CommonJS bundle, its editor HTML and package.json', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'gridsense-nodes-'));
    try {
      await buildFlowNodes(dir);
      const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as Record<string, unknown>;
      expect(pkg).toMatchObject({ type: 'commonjs', 'node-red': { nodes: { gridsense: 'gridsense.js' } } });
      const bundle = await readFile(join(dir, 'gridsense.js'), 'utf8');
      expect(bundle).toContain('module.exports');
      expect(bundle).not.toMatch(/^import /m);
      const html = await readFile(join(dir, 'gridsense.html'), 'utf8');
      for (const type of GRIDSENSE_TYPES) {
        expect(html).toContain(`registerType('${type}'`);
        expect(html).toContain(`data-template-name="${type}"`);
        expect(html).toContain(`data-help-name="${type}"`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
