import { mkdir, open, readFile, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

/** A batch waiting in the spool, oldest first. */
export interface SpoolEntry<T> {
  spooledAt: number;
  items: T[];
}

export interface SpoolDepth {
  batches: number;
  items: number;
  bytes: number;
  /** When the oldest waiting batch was spooled; undefined when empty. */
  oldestAt: number | undefined;
}

export class SpoolFullError extends Error {
  constructor(bytes: number, maxBytes: number) {
    super(`spool full: ${bytes} of ${maxBytes} bytes used`);
    this.name = 'SpoolFullError';
  }
}

/** The file a segment is appended through (a `FileHandle` opened for appending is one). */
export interface SpoolFile {
  appendFile(data: string): Promise<void>;
  datasync(): Promise<void>;
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

/** How the spool opens a segment for appending; tests put a failing disk in its place. */
export type OpenSpoolFile = (path: string) => Promise<SpoolFile>;

const openForAppend: OpenSpoolFile = (path) => open(path, 'a');

interface Segment {
  file: string;
  bytes: number;
  batches: number;
  items: number;
  oldestAt: number | undefined;
  /** Entries not yet taken, with their size on disk; parsed when the segment reaches the head. */
  entries?: { entry: SpoolEntry<unknown>; bytes: number }[];
}

/** The segment appended to, and its length on disk (its `bytes` shrink as the drainer takes). */
interface Writer {
  handle: SpoolFile;
  segment: Segment;
  length: number;
}

const SEGMENT = /^seg-(\d{16})\.jsonl$/;

/**
 * A first-in, first-out queue of batches on disk: each batch is one JSON line, appended and
 * fdatasync'd before `append` resolves, so a spooled batch survives a crash. Lines go into
 * segment files; a segment is deleted once all its batches are taken. A restart always writes a
 * new segment, so a torn last line (a crash mid-append, never acknowledged) stays at the end of an
 * old segment, where it is skipped.
 */
export class Spool<T> {
  private segments: Segment[] = [];
  private writer: Writer | undefined;
  private nextNumber = 1;
  private skippedLines = 0;
  // File operations one at a time: the drainer must not close the segment an append is writing.
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly options: { maxBytes: number; segmentBytes: number; openFile: OpenSpoolFile },
  ) {}

  static async open<T>(
    dir: string,
    options: { maxBytes: number; segmentBytes?: number; openFile?: OpenSpoolFile },
  ): Promise<Spool<T>> {
    await mkdir(dir, { recursive: true });
    const spool = new Spool<T>(dir, { segmentBytes: 8 * 1024 * 1024, openFile: openForAppend, ...options });
    const files = (await readdir(dir)).filter((f) => SEGMENT.test(f)).sort();
    for (const file of files) {
      const segment: Segment = { file, bytes: 0, batches: 0, items: 0, oldestAt: undefined };
      segment.entries = await spool.readSegment(segment);
      if (segment.entries.length === 0) await rm(join(dir, file), { force: true });
      else spool.segments.push(segment);
      spool.nextNumber = Number(SEGMENT.exec(file)?.[1] ?? 0) + 1;
    }
    // Only the head segment stays parsed in memory.
    for (const segment of spool.segments.slice(1)) delete segment.entries;
    return spool;
  }

  /** Lines that could not be read back (torn by a crash before their fsync finished). */
  get corruptLines(): number {
    return this.skippedLines;
  }

  depth(): SpoolDepth {
    let batches = 0;
    let items = 0;
    let bytes = 0;
    for (const s of this.segments) {
      batches += s.batches;
      items += s.items;
      bytes += s.bytes;
    }
    return { batches, items, bytes, oldestAt: this.segments[0]?.oldestAt };
  }

  isEmpty(): boolean {
    return this.segments.length === 0;
  }

  /**
   * Appends one batch durably. Throws SpoolFullError when it would pass maxBytes, and the disk's
   * error (ENOSPC: disk full, EIO, …) when the write or its fdatasync fails; a failed append leaves
   * nothing behind (see `undoAppend`), so the next one starts on a clean line.
   */
  append(items: T[], spooledAt: number): Promise<void> {
    return this.serialize(() => this.appendNow(items, spooledAt));
  }

  private async appendNow(items: T[], spooledAt: number): Promise<void> {
    const line = `${JSON.stringify({ spooledAt, items })}\n`;
    const size = Buffer.byteLength(line);
    const used = this.depth().bytes;
    if (used + size > this.options.maxBytes && used > 0)
      throw new SpoolFullError(used, this.options.maxBytes);
    let writer = this.writer;
    if (!writer || writer.segment.bytes + size > this.options.segmentBytes) {
      await this.closeWriter();
      const file = `seg-${String(this.nextNumber++).padStart(16, '0')}.jsonl`;
      const segment: Segment = { file, bytes: 0, batches: 0, items: 0, oldestAt: undefined, entries: [] };
      writer = { handle: await this.options.openFile(join(this.dir, file)), segment, length: 0 };
      this.writer = writer;
      this.segments.push(segment);
    }
    try {
      await writer.handle.appendFile(line);
      await writer.handle.datasync();
    } catch (error) {
      await this.undoAppend(writer);
      throw error;
    }
    const { segment } = writer;
    writer.length += size;
    segment.bytes += size;
    segment.batches++;
    segment.items += items.length;
    segment.oldestAt ??= spooledAt;
    segment.entries?.push({ entry: { spooledAt, items }, bytes: size });
  }

  /**
   * After a failed append (a full disk writes part of the line, then fails): cuts the segment back
   * to its last whole line, so the next append does not join that part and become one unreadable
   * line at replay. If the cut fails too, the segment is closed: its torn tail stays the last line
   * of a segment nobody appends to, skipped at replay, and the next append opens a new segment.
   * A segment the failed append had just opened, still without a batch, is deleted.
   */
  private async undoAppend(writer: Writer): Promise<void> {
    try {
      await writer.handle.truncate(writer.length);
    } catch {
      await this.closeWriter().catch(() => undefined);
    }
    const { segment } = writer;
    if (segment.batches > 0) return;
    if (this.writer === writer) await this.closeWriter().catch(() => undefined);
    this.segments = this.segments.filter((s) => s !== segment);
    await rm(join(this.dir, segment.file), { force: true }).catch(() => undefined);
  }

  /** The oldest batch, without taking it. */
  peek(): Promise<SpoolEntry<T> | undefined> {
    return this.serialize(() => this.peekNow());
  }

  private async peekNow(): Promise<SpoolEntry<T> | undefined> {
    const head = this.segments[0];
    if (!head) return undefined;
    head.entries ??= await this.readSegment(head, false);
    return head.entries[0]?.entry as SpoolEntry<T> | undefined;
  }

  /**
   * The oldest batches of the head segment, up to `maxItems` items in all (at least one batch),
   * without taking them: replay writes them in one go instead of one store request per batch.
   */
  peekMany(maxItems: number): Promise<SpoolEntry<T>[]> {
    return this.serialize(async () => {
      const head = this.segments[0];
      if (!head) return [];
      head.entries ??= await this.readSegment(head, false);
      const taken: SpoolEntry<T>[] = [];
      let items = 0;
      for (const { entry } of head.entries) {
        if (taken.length > 0 && items + entry.items.length > maxItems) break;
        taken.push(entry as SpoolEntry<T>);
        items += entry.items.length;
      }
      return taken;
    });
  }

  /** Takes the oldest `count` batches (after they reached the store), deleting emptied segments. */
  shift(count = 1): Promise<void> {
    return this.serialize(async () => {
      for (let i = 0; i < count; i++) await this.shiftNow();
    });
  }

  private async shiftNow(): Promise<void> {
    const head = this.segments[0];
    const taken = head?.entries?.shift();
    if (!head || !taken) return;
    head.batches--;
    head.items -= taken.entry.items.length;
    head.bytes -= taken.bytes;
    head.oldestAt = head.entries?.[0]?.entry.spooledAt;
    if (head.batches > 0) return;
    if (this.writer?.segment === head) await this.closeWriter();
    this.segments.shift();
    await rm(join(this.dir, head.file), { force: true });
  }

  close(): Promise<void> {
    return this.serialize(() => this.closeWriter());
  }

  private serialize<R>(operation: () => Promise<R>): Promise<R> {
    const result = this.queue.then(operation);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async closeWriter(): Promise<void> {
    const writer = this.writer;
    this.writer = undefined;
    // The head segment's entries are parsed lazily; a closed segment keeps what it has.
    if (writer && writer.segment !== this.segments[0]) delete writer.segment.entries;
    await writer?.handle.close();
  }

  /** Parses a segment; with `count`, also sets its counters (at open). */
  private async readSegment(segment: Segment, count = true): Promise<NonNullable<Segment['entries']>> {
    const text = await readFile(join(this.dir, segment.file), 'utf8');
    const entries: NonNullable<Segment['entries']> = [];
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        const entry = JSON.parse(line) as SpoolEntry<unknown>;
        if (!Array.isArray(entry.items) || typeof entry.spooledAt !== 'number') throw new Error('bad entry');
        const bytes = Buffer.byteLength(line) + 1;
        entries.push({ entry, bytes });
        if (count) {
          segment.bytes += bytes;
          segment.batches++;
          segment.items += entry.items.length;
          segment.oldestAt ??= entry.spooledAt;
        }
      } catch {
        this.skippedLines++;
      }
    }
    return entries;
  }
}
