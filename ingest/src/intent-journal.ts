import { appendFileSync, mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { SeqStream } from './seq-book';

export interface Intent {
  stream: SeqStream;
  deviceId: string;
  /** Undefined for a reading without seq: journaled for its ts alone. */
  seq: number | undefined;
  ts: number;
}

const FILE = /^intents-(\d{16})\.log$/;
/** Intents of one file kept in memory for the seq handover, at most (about a minute at 5,000/s). */
const MAX_REMEMBERED = 300_000;

/**
 * Which (device, seq) ingest is about to write, and with which `ts`, appended before the store
 * write starts. After a crash, these seqs may or may not have reached the store; their
 * redeliveries are written again with the journaled `ts` (the same point, so stored once) instead
 * of a new receive time. Readings without seq are journaled too, for their ts: no receive time
 * handed out after the restart may equal one already written. Appends are not fsync'd: the journal has to survive a process crash, and
 * an OS crash can at worst cause a duplicate, never a loss.
 *
 * Files rotate on every health save; a closed file is deleted once every batch it holds has
 * settled and the seq state recording them has been saved.
 */
interface JournalFile {
  file: string;
  pending: number;
  lines: number;
  /** With `remember`: its intents, to forget in the seq handover once the file is removed. */
  intents?: Intent[];
}

export class IntentJournal {
  private current: JournalFile;
  private closed: JournalFile[] = [];
  private next: number;

  constructor(
    private readonly dir: string,
    private readonly remember = false,
  ) {
    mkdirSync(dir, { recursive: true });
    const numbers = readdirSync(dir)
      .flatMap((f) => FILE.exec(f)?.[1] ?? [])
      .map(Number);
    this.next = Math.max(0, ...numbers) + 1;
    this.current = this.newFile();
  }

  /** Every intent left by the previous run (before this one wrote anything). */
  readLeftovers(): Intent[] {
    const intents: Intent[] = [];
    for (const file of readdirSync(this.dir)
      .filter((f) => FILE.test(f))
      .sort()) {
      if (file === this.current.file) continue;
      for (const line of readFileSync(join(this.dir, file), 'utf8').split('\n')) {
        const [stream, deviceId, seq, ts] = line.split('\t');
        if ((stream === 'telemetry' || stream === 'event') && deviceId && seq !== undefined && ts) {
          intents.push({ stream, deviceId, seq: seq === '' ? undefined : Number(seq), ts: Number(ts) });
        }
      }
      this.closed.push({ file, pending: 0, lines: 0 });
    }
    return intents;
  }

  /** Journals a batch's intents; call `settle` with the returned token once the batch is durable or failed. */
  begin(intents: Intent[]): object {
    const file = this.current;
    if (intents.length > 0) {
      appendFileSync(
        join(this.dir, file.file),
        intents.map((i) => `${i.stream}\t${i.deviceId}\t${i.seq ?? ''}\t${i.ts}\n`).join(''),
      );
      file.lines += intents.length;
      // Bounded: through a long state-database outage files are not removed; the intents not kept
      // here are not forgotten in the handover either, and age out there.
      if (this.remember && (file.intents?.length ?? 0) < MAX_REMEMBERED) {
        const kept = (file.intents ??= []);
        for (const intent of intents) kept.push(intent);
      }
    }
    file.pending++;
    return file;
  }

  settle(token: object): void {
    const file = token as { pending: number };
    file.pending--;
  }

  /** Closed files whose batches have all settled: deletable once the seq state is saved. */
  settledFiles(): string[] {
    return this.closed.filter((f) => f.pending === 0).map((f) => f.file);
  }

  /** Starts a new file when the current one has anything in it. */
  rotate(): void {
    if (this.current.lines === 0) return;
    this.closed.push(this.current);
    this.current = this.newFile();
  }

  /** Deletes the files; returns the intents they held (with `remember`, else none). */
  remove(files: string[]): Intent[] {
    for (const file of files) rmSync(join(this.dir, file), { force: true });
    const removed = this.closed.filter((f) => files.includes(f.file));
    this.closed = this.closed.filter((f) => !files.includes(f.file));
    return removed.flatMap((f) => f.intents ?? []);
  }

  private newFile(): JournalFile {
    return { file: `intents-${String(this.next++).padStart(16, '0')}.log`, pending: 0, lines: 0 };
  }
}
