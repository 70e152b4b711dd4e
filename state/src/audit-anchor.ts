import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { sealWithAuditKey } from './audit-key';
import type { StateDb } from './database';

/**
 * The head of the audit chain as it stood at `at`, written outside the state database and sealed
 * with the audit key. Someone who deletes the newest rows (and recomputes nothing, since nothing
 * after them needs it) still leaves the chain shorter than its last anchor, which verification
 * reports. `keyedFrom` pins where the keyed part of the chain starts.
 */
export interface AuditAnchor {
  seq: number;
  hash: string;
  at: number;
  keyedFrom: number;
  mac: string;
}

/** An anchor read back, with its line number in the file (from 1). */
export type AnchorLine = AuditAnchor & { line: number };

export const DEFAULT_ANCHOR_INTERVAL_MS = 5 * 60_000;

export function auditAnchorFile(dataDir: string): string {
  return join(dataDir, 'audit-anchor.log');
}

function sealAnchor(db: StateDb, anchor: Omit<AuditAnchor, 'mac'>): Promise<string> {
  return sealWithAuditKey(db, 'anchor', [anchor.seq, anchor.hash, anchor.at, anchor.keyedFrom]);
}

export async function isAnchorSealed(db: StateDb, anchor: AuditAnchor): Promise<boolean> {
  return (await sealAnchor(db, anchor)) === anchor.mac;
}

/**
 * Appends the current head to the anchor file and fsyncs it. Nothing when the log is empty or the
 * head is still `previous` (this writer's last anchor).
 */
export async function anchorAuditHead(
  db: StateDb,
  file: string,
  now: number,
  previous?: AuditAnchor,
): Promise<AuditAnchor | undefined> {
  const head = await db
    .selectFrom('audit_log')
    .select(['seq', 'hash'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!head) return undefined;
  if (previous && previous.seq === head.seq && previous.hash === head.hash) return previous;
  const start = await db.selectFrom('audit_chain_start').select('hmac_from_seq').executeTakeFirstOrThrow();
  const fields = { seq: head.seq, hash: head.hash, at: now, keyedFrom: start.hmac_from_seq };
  const anchor = { ...fields, mac: await sealAnchor(db, fields) };
  await appendLine(file, JSON.stringify(anchor));
  return anchor;
}

async function appendLine(file: string, line: string): Promise<void> {
  const handle = await open(file, 'a+', 0o600);
  let created = false;
  try {
    const { size } = await handle.stat();
    created = size === 0;
    // A line torn by a crash is closed off first, so it cannot swallow this one.
    const last = Buffer.alloc(1);
    if (size > 0) await handle.read(last, 0, 1, size - 1);
    await handle.write(`${size > 0 && last[0] !== 0x0a ? '\n' : ''}${line}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  if (created) {
    const folder = openSync(dirname(file), 'r');
    try {
      fsyncSync(folder);
    } finally {
      closeSync(folder);
    }
  }
}

const isAnchor = (value: unknown): value is AuditAnchor => {
  const a = value as Partial<AuditAnchor> | null;
  return (
    typeof a === 'object' &&
    a !== null &&
    Number.isSafeInteger(a.seq) &&
    Number.isSafeInteger(a.at) &&
    Number.isSafeInteger(a.keyedFrom) &&
    typeof a.hash === 'string' &&
    typeof a.mac === 'string'
  );
};

/**
 * Every anchor in the file (none when it does not exist yet), and the numbers of the lines that
 * are not anchors. A last line without its newline was torn by a crash mid-write and is skipped.
 */
export async function readAuditAnchors(
  file: string,
): Promise<{ anchors: AnchorLine[]; malformed: number[] }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { anchors: [], malformed: [] };
    throw error;
  }
  const lines = text.split('\n');
  lines.pop(); // after the last newline: empty, or a torn line
  const anchors: AnchorLine[] = [];
  const malformed: number[] = [];
  lines.forEach((text, index) => {
    if (text === '') return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (isAnchor(parsed))
      anchors.push({
        seq: parsed.seq,
        hash: parsed.hash,
        at: parsed.at,
        keyedFrom: parsed.keyedFrom,
        mac: parsed.mac,
        line: index + 1,
      });
    else malformed.push(index + 1);
  });
  return { anchors, malformed };
}

/**
 * Anchors the head at once, every `intervalMs`, and on close (before the database closes). One
 * writer is enough for the whole chain: the process that serves `GET /api/audit/verify`.
 */
export function startAuditAnchoring(
  db: StateDb,
  options: { file: string; now: () => number; onError: (error: unknown) => void; intervalMs?: number },
): { close(): Promise<void> } {
  let last: AuditAnchor | undefined;
  let pending = Promise.resolve();
  const anchor = () => {
    pending = pending
      .then(async () => {
        last = await anchorAuditHead(db, options.file, options.now(), last);
      })
      .catch(options.onError);
    return pending;
  };
  void anchor();
  const timer = setInterval(() => void anchor(), options.intervalMs ?? DEFAULT_ANCHOR_INTERVAL_MS);
  timer.unref();
  return {
    close() {
      clearInterval(timer);
      return anchor();
    },
  };
}
