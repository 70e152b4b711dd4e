import { appendFile, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFailingDisk } from './failing-disk';
import { Spool, SpoolFullError } from './spool';

describe('Spool', () => {
  const dirs: string[] = [];
  const tempDir = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gridsense-spool-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(async () => {
    await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });

  const takeAll = async (spool: Spool<number>): Promise<number[][]> => {
    const batches: number[][] = [];
    for (let entry = await spool.peek(); entry; entry = await spool.peek()) {
      batches.push(entry.items);
      await spool.shift();
    }
    return batches;
  };

  it('gives batches back in order across segments and deletes drained segments', async () => {
    const dir = await tempDir();
    const spool = await Spool.open<number>(dir, { maxBytes: 1 << 20, segmentBytes: 64 });
    for (let i = 0; i < 10; i++) await spool.append([i, i + 100], 1000 + i);

    expect(spool.depth()).toMatchObject({ batches: 10, items: 20, oldestAt: 1000 });
    expect((await readdir(dir)).length).toBeGreaterThan(1);
    expect(await takeAll(spool)).toEqual(Array.from({ length: 10 }, (_, i) => [i, i + 100]));
    expect(spool.depth()).toEqual({ batches: 0, items: 0, bytes: 0, oldestAt: undefined });
    expect(await readdir(dir)).toEqual([]);
    await spool.close();
  });

  it('keeps appended batches across a reopen, and appends after them', async () => {
    const dir = await tempDir();
    const first = await Spool.open<number>(dir, { maxBytes: 1 << 20 });
    await first.append([1], 10);
    await first.append([2, 3], 20);
    await first.close();

    const second = await Spool.open<number>(dir, { maxBytes: 1 << 20 });
    expect(second.depth()).toMatchObject({ batches: 2, items: 3, oldestAt: 10 });
    await second.append([4], 30);
    expect(await takeAll(second)).toEqual([[1], [2, 3], [4]]);
    await second.close();
  });

  it('skips a torn last line (a crash mid-append) and still reads the rest', async () => {
    const dir = await tempDir();
    const first = await Spool.open<number>(dir, { maxBytes: 1 << 20 });
    await first.append([1], 10);
    await first.close();
    const [segment] = await readdir(dir);
    await appendFile(path.join(dir, segment!), '{"spooledAt":20,"items":[2');

    const second = await Spool.open<number>(dir, { maxBytes: 1 << 20 });
    expect(second.corruptLines).toBe(1);
    await second.append([3], 30);
    expect(await takeAll(second)).toEqual([[1], [3]]);
    await second.close();
  });

  it('refuses to grow past maxBytes, and has room again once drained', async () => {
    const dir = await tempDir();
    const spool = await Spool.open<number>(dir, { maxBytes: 70 }); // two 32-byte lines fit
    await spool.append([1, 2, 3], 1);
    await spool.append([4, 5, 6], 2);
    await expect(spool.append([7, 8, 9], 3)).rejects.toBeInstanceOf(SpoolFullError);
    expect(spool.depth().batches).toBe(2);

    await spool.peek();
    await spool.shift();
    await spool.append([7, 8, 9], 3);
    expect(await takeAll(spool)).toEqual([
      [4, 5, 6],
      [7, 8, 9],
    ]);
    await spool.close();
  });

  it('lets a writer append while the head segment is drained', async () => {
    const dir = await tempDir();
    const spool = await Spool.open<number>(dir, { maxBytes: 1 << 20, segmentBytes: 40 });
    const appends = Array.from({ length: 30 }, (_, i) => spool.append([i], i));
    const drained: number[] = [];
    while (drained.length < 30) {
      const entry = await spool.peek();
      if (!entry) {
        await new Promise((resolve) => setImmediate(resolve));
        continue;
      }
      drained.push(...entry.items);
      await spool.shift();
    }
    await Promise.all(appends);
    expect(drained).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(spool.isEmpty()).toBe(true);
    await spool.close();
  });

  it('cuts a failed append on a full disk back, so the next batch is not joined to its part', async () => {
    const dir = await tempDir();
    const disk = createFailingDisk();
    const spool = await Spool.open<number>(dir, { maxBytes: 1 << 20, openFile: disk.openFile });
    await spool.append([1], 10);
    disk.room = 10; // part of the next line fits
    await expect(spool.append([2, 3], 20)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(disk.failures).toBe(1);
    disk.room = undefined; // space freed
    await spool.append([4], 30);
    expect(spool.depth()).toMatchObject({ batches: 2, items: 2 });
    await spool.close();

    const reopened = await Spool.open<number>(dir, { maxBytes: 1 << 20 });
    expect(reopened.corruptLines).toBe(0);
    expect(await takeAll(reopened)).toEqual([[1], [4]]);
    await reopened.close();
  });

  it('closes the segment when the cut fails too, and appends to a new one', async () => {
    const dir = await tempDir();
    const disk = createFailingDisk();
    const spool = await Spool.open<number>(dir, { maxBytes: 1 << 20, openFile: disk.openFile });
    await spool.append([1], 10);
    disk.room = 10;
    disk.truncateFails = true;
    await expect(spool.append([2], 20)).rejects.toMatchObject({ code: 'ENOSPC' });
    disk.room = undefined;
    await spool.append([3], 30);
    expect(await readdir(dir)).toHaveLength(2);
    await spool.close();

    const reopened = await Spool.open<number>(dir, { maxBytes: 1 << 20 });
    expect(reopened.corruptLines).toBe(1); // the torn tail, alone on its line
    expect(await takeAll(reopened)).toEqual([[1], [3]]);
    await reopened.close();
  });

  it('deletes a segment whose first append failed, so an empty spool stays empty', async () => {
    const dir = await tempDir();
    const disk = createFailingDisk();
    disk.room = 5;
    const spool = await Spool.open<number>(dir, { maxBytes: 1 << 20, openFile: disk.openFile });
    await expect(spool.append([1], 10)).rejects.toMatchObject({ code: 'ENOSPC' });
    expect(spool.isEmpty()).toBe(true);
    expect(await readdir(dir)).toEqual([]);
    disk.room = undefined;
    await spool.append([2], 20);
    expect(await takeAll(spool)).toEqual([[2]]);
    await spool.close();
  });
});
