import type { RejectReason } from '@gridsense/core';

/** Why ingest dropped a device message: the decoder's reasons, or the store refusing a point. */
export type IngestRejectReason = RejectReason | 'store_refused';

export interface RejectRecord {
  deviceId: string;
  reason: IngestRejectReason;
  detail: string;
  /** The start of the last bad payload as text, for operators (device health). */
  payload: string;
  at: number;
  count: number;
}

export const PAYLOAD_EXCERPT_CHARS = 200;

/** The first characters of a payload, printable: invalid UTF-8 and control characters become U+FFFD. */
export function excerptPayload(payload: Uint8Array): string {
  const text = Buffer.from(
    payload.buffer,
    payload.byteOffset,
    Math.min(payload.byteLength, PAYLOAD_EXCERPT_CHARS * 4),
  ).toString('utf8');
  const isControl = (c: string) => {
    const code = c.charCodeAt(0);
    return (code < 0x20 && c !== '\t' && c !== '\n' && c !== '\r') || code === 0x7f;
  };
  const chars = [...text].map((c) => (isControl(c) ? '\ufffd' : c));
  return chars.length > PAYLOAD_EXCERPT_CHARS
    ? `${chars.slice(0, PAYLOAD_EXCERPT_CHARS).join('')}…`
    : chars.join('');
}

/**
 * Counts bad messages in memory and hands them to storage in periodic batches, so a device
 * spewing garbage costs a map update per message, not a database write.
 */
export class RejectCounter {
  private pending = new Map<string, RejectRecord>();
  private totals = new Map<IngestRejectReason, number>();

  count(deviceId: string, reason: IngestRejectReason, detail: string, at: number, payload = ''): void {
    const key = `${deviceId}\u0000${reason}`;
    const existing = this.pending.get(key);
    if (existing) {
      existing.count++;
      existing.detail = detail;
      existing.payload = payload;
      existing.at = at;
    } else this.pending.set(key, { deviceId, reason, detail, payload, at, count: 1 });
    this.totals.set(reason, (this.totals.get(reason) ?? 0) + 1);
  }

  /** Takes the counts gathered since the last drain. */
  drain(): RejectRecord[] {
    const records = [...this.pending.values()];
    this.pending = new Map();
    return records;
  }

  /** Puts drained counts back (their save failed), adding to anything counted since. */
  restore(records: RejectRecord[]): void {
    for (const record of records) {
      const key = `${record.deviceId}\u0000${record.reason}`;
      const newer = this.pending.get(key);
      if (newer) newer.count += record.count;
      else this.pending.set(key, record);
    }
  }

  totalsByReason(): Record<string, number> {
    return Object.fromEntries(this.totals);
  }
}
