import { describe, expect, it } from 'vitest';
import { diffFlows } from './flow-diff';

const tab = { id: 't1', type: 'tab', label: '积水' };
const inject = { id: 'n1', type: 'inject', z: 't1', x: 100, y: 80, repeat: '', wires: [['n2']] };
const debug = { id: 'n2', type: 'debug', z: 't1', x: 300, y: 80, wires: [] };

describe('diffFlows', () => {
  it('counts added, removed and changed nodes by type', () => {
    const before = [tab, inject, debug];
    const after = [
      tab,
      { ...inject, repeat: '60' },
      { id: 'n3', type: 'function', z: 't1', func: 'return msg;', wires: [] },
      { id: 'n4', type: 'function', z: 't1', func: 'return null;', wires: [] },
    ];
    expect(diffFlows(before, after)).toEqual({
      nodes: 4,
      added: { function: 2 },
      removed: { debug: 1 },
      changed: { inject: 1 },
    });
  });

  it('does not count a node that only moved on the canvas, nor a reordered node', () => {
    const moved = { ...inject, x: 400, y: 240 };
    const reordered = Object.fromEntries(Object.entries(debug).reverse());
    expect(diffFlows([tab, inject, debug], [reordered, moved, tab])).toEqual({
      nodes: 3,
      added: {},
      removed: {},
      changed: {},
    });
  });

  it('treats a first deploy as all added and skips entries without an id', () => {
    expect(diffFlows([], [tab, inject, 'junk', { type: 'debug' }])).toEqual({
      nodes: 2,
      added: { tab: 1, inject: 1 },
      removed: {},
      changed: {},
    });
  });
});
