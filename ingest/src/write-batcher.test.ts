import { describe, expect, it } from 'vitest';
import { InFlightLimiter } from './in-flight-limiter';
import { WriteBatcher } from './write-batcher';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('WriteBatcher', () => {
  it('writes at once when idle, then gathers what arrives during a write into the next', async () => {
    const writes: number[][] = [];
    let release = () => {};
    const batcher = new WriteBatcher<number>(
      async (items) => {
        writes.push(items);
        if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return [];
      },
      { maxItems: 100 },
    );

    const first = batcher.add([1]);
    await tick();
    const rest = [batcher.add([2, 3]), batcher.add([4])];
    await tick();
    expect(writes).toEqual([[1]]);
    release();
    await Promise.all([first, ...rest]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('splits at maxItems without splitting one caller, and keeps order', async () => {
    const writes: number[][] = [];
    const batcher = new WriteBatcher<number>(
      async (items) => {
        writes.push(items);
        return [];
      },
      { maxItems: 3 },
    );
    await Promise.all([
      batcher.add([1, 2]),
      batcher.add([3, 4]),
      batcher.add([5]),
      batcher.add([6, 7, 8, 9]),
    ]);
    expect(writes).toEqual([
      [1, 2],
      [3, 4, 5],
      [6, 7, 8, 9],
    ]);
  });

  it('hands each caller its own refused items, and a failed write to every caller of that batch', async () => {
    let fail = false;
    const batcher = new WriteBatcher<number>(
      async (items) => {
        if (fail) throw new Error('store down');
        return items.filter((i) => i % 2 === 0);
      },
      { maxItems: 100 },
    );
    expect(await Promise.all([batcher.add([1, 2]), batcher.add([3]), batcher.add([4, 6])])).toEqual([
      [2],
      [],
      [4, 6],
    ]);
    fail = true;
    const results = await Promise.allSettled([batcher.add([1]), batcher.add([2])]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('WriteBatcher: more waiting than one write takes', () => {
  it('takes one caller per key in turn, each key in its order, and writes the batch in arrival order', async () => {
    const writes: string[][] = [];
    let release = () => {};
    const batcher = new WriteBatcher<string>(
      async (items) => {
        writes.push(items);
        if (writes.length === 1) await new Promise<void>((resolve) => (release = resolve));
        return [];
      },
      { maxItems: 4 },
    );
    const first = batcher.add(['a0'], 'a');
    await tick();
    const flood = [1, 2, 3, 4, 5, 6, 7].map((n) => batcher.add([`a${n}`], 'a'));
    const quiet = [batcher.add(['b1'], 'b'), batcher.add(['c1', 'c2'], 'c')];
    release();
    await Promise.all([first, ...flood, ...quiet]);
    expect(writes).toEqual([['a0'], ['a1', 'b1', 'c1', 'c2'], ['a2', 'a3', 'a4', 'a5'], ['a6', 'a7']]);
  });
});

describe('InFlightLimiter', () => {
  it('admits within the bound, one oversized request alone, each device in its order', async () => {
    const limiter = new InFlightLimiter(10);
    const admitted: string[] = [];
    const take = (name: string, n: number) =>
      limiter.acquire(name[0]!, n).then(() => void admitted.push(name));
    await take('a1', 6);
    const waiting = [take('a2', 5), take('a3', 1), take('a4', 50), take('a5', 1)];
    await tick();
    expect(admitted).toEqual(['a1']);
    expect(limiter.stats()).toEqual({ readings: 6, waiting: 4 });

    limiter.release(6);
    await tick();
    expect(admitted).toEqual(['a1', 'a2', 'a3']); // a5 waits behind a4, its elder
    limiter.release(6);
    await tick();
    expect(admitted).toEqual(['a1', 'a2', 'a3', 'a4']);
    limiter.release(50);
    await Promise.all(waiting);
    expect(admitted.at(-1)).toBe('a5');
    expect(limiter.stats()).toEqual({ readings: 1, waiting: 0 });
  });

  it('gives freed room to waiting devices in turn, so a flood does not take every slot', async () => {
    const limiter = new InFlightLimiter(3);
    const admitted: string[] = [];
    const take = (name: string) => limiter.acquire(name[0]!, 1).then(() => void admitted.push(name));
    const all = ['a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7', 'b1', 'c1', 'b2'].map(take);
    await tick();
    expect(admitted).toEqual(['a1', 'a2', 'a3']);

    for (let i = 0; i < 3; i++) limiter.release(1);
    await tick();
    expect(admitted.slice(3)).toEqual(['a4', 'b1', 'c1']);
    for (let i = 0; i < 3; i++) limiter.release(1);
    await tick();
    expect(admitted.slice(6)).toEqual(['a5', 'b2', 'a6']);
    for (let i = 0; i < 3; i++) limiter.release(1);
    await Promise.all(all);
    expect(admitted.slice(9)).toEqual(['a7']);
  });
});
