import type { RejectReason } from '@gridsense/core';

export interface RejectRecord {
  deviceId: string;
  reason: RejectReason;
  detail: string;
  at: number;
  count: number;
}

/**
 * Counts bad messages in memory and hands them to storage in periodic batches, so a device
 * spewing garbage costs a map update per message, not a database write.
 */
export class RejectCounter {
  private pending = new Map<string, RejectRecord>();
  private totals = new Map<RejectReason, number>();

  count(deviceId: string, reason: RejectReason, detail: string, at: number): void {
    const key = `${deviceId}\u0000${reason}`;
    const existing = this.pending.get(key);
    if (existing) {
      existing.count++;
      existing.detail = detail;
      existing.at = at;
    } else this.pending.set(key, { deviceId, reason, detail, at, count: 1 });
    this.totals.set(reason, (this.totals.get(reason) ?? 0) + 1);
  }

  /** Takes the counts gathered since the last drain. */
  drain(): RejectRecord[] {
    const records = [...this.pending.values()];
    this.pending = new Map();
    return records;
  }

  totalsByReason(): Record<string, number> {
    return Object.fromEntries(this.totals);
  }
}
