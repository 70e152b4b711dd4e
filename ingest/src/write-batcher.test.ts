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

describe('InFlightLimiter', () => {
  it('admits in arrival order within the bound, one oversized request alone', async () => {
    const limiter = new InFlightLimiter(10);
    const admitted: string[] = [];
    const take = (name: string, n: number) => limiter.acquire(n).then(() => void admitted.push(name));
    await take('a', 6);
    const waiting = [take('b', 5), take('c', 1), take('huge', 50), take('d', 1)];
    await tick();
    expect(admitted).toEqual(['a']);
    expect(limiter.stats()).toEqual({ readings: 6, waiting: 4 });

    limiter.release(6);
    await tick();
    expect(admitted).toEqual(['a', 'b', 'c']); // FIFO: d waits behind huge
    limiter.release(6);
    await tick();
    expect(admitted).toEqual(['a', 'b', 'c', 'huge']);
    limiter.release(50);
    await Promise.all(waiting);
    expect(admitted.at(-1)).toBe('d');
    expect(limiter.stats()).toEqual({ readings: 1, waiting: 0 });
  });
});
