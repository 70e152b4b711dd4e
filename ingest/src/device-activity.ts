/** How much a device sends: totals and per-minute buckets, enough to show its rates. */
export interface DeviceActivity {
  messages: number;
  readings: number;
  rejects: number;
  duplicates: number;
  lastMessageAt: number | null;
  /** [minute start (epoch ms), readings, rejected messages], oldest first, at most ACTIVITY_MINUTES. */
  minutes: [number, number, number][];
}

// 15 whole minutes plus the current one, for the 15-minute rate.
export const ACTIVITY_MINUTES = 16;
const MINUTE_MS = 60_000;

export interface ActivityRates {
  /** Readings per minute over the last 1, 5 and 15 minutes (like a load average). */
  readingsPerMin: { m1: number; m5: number; m15: number };
  rejectsPerMin: { m1: number; m5: number; m15: number };
}

export function emptyActivity(): DeviceActivity {
  return { messages: 0, readings: 0, rejects: 0, duplicates: 0, lastMessageAt: null, minutes: [] };
}

/** Adds one message (its stored readings, or a reject) at `at`. */
export function recordActivity(
  activity: DeviceActivity,
  at: number,
  counts: { readings?: number; rejected?: boolean; duplicates?: number },
): void {
  const minute = at - (at % MINUTE_MS);
  activity.messages++;
  activity.readings += counts.readings ?? 0;
  activity.duplicates += counts.duplicates ?? 0;
  if (counts.rejected) activity.rejects++;
  activity.lastMessageAt = Math.max(activity.lastMessageAt ?? at, at);
  let bucket = activity.minutes.find((m) => m[0] === minute);
  if (!bucket) {
    bucket = [minute, 0, 0];
    activity.minutes.push(bucket);
    activity.minutes.sort((a, b) => a[0] - b[0]);
    if (activity.minutes.length > ACTIVITY_MINUTES)
      activity.minutes.splice(0, activity.minutes.length - ACTIVITY_MINUTES);
  }
  bucket[1] += counts.readings ?? 0;
  if (counts.rejected) bucket[2]++;
}

/** Rates over the whole minutes before `now` plus the current partial one. */
export function activityRates(activity: DeviceActivity, now: number): ActivityRates {
  const currentMinute = now - (now % MINUTE_MS);
  const rate = (index: 1 | 2, minutes: number): number => {
    const from = currentMinute - minutes * MINUTE_MS;
    const total = activity.minutes
      .filter((m) => m[0] >= from && m[0] <= now)
      .reduce((sum, m) => sum + m[index], 0);
    return Math.round((total / ((now - from) / MINUTE_MS)) * 100) / 100;
  };
  return {
    readingsPerMin: { m1: rate(1, 1), m5: rate(1, 5), m15: rate(1, 15) },
    rejectsPerMin: { m1: rate(2, 1), m5: rate(2, 5), m15: rate(2, 15) },
  };
}

/** Every device's activity, with the ones changed since the last save marked. */
export class ActivityBook {
  private readonly activities = new Map<string, DeviceActivity>();
  private dirty = new Set<string>();

  record(deviceId: string, at: number, counts: Parameters<typeof recordActivity>[2]): void {
    let activity = this.activities.get(deviceId);
    if (!activity) {
      activity = emptyActivity();
      this.activities.set(deviceId, activity);
    }
    recordActivity(activity, at, counts);
    this.dirty.add(deviceId);
  }

  get(deviceId: string): DeviceActivity | undefined {
    return this.activities.get(deviceId);
  }

  load(rows: { deviceId: string; activity: DeviceActivity }[]): void {
    for (const row of rows) this.activities.set(row.deviceId, row.activity);
  }

  takeDirty(): { deviceId: string; activity: DeviceActivity }[] {
    const rows = [...this.dirty].flatMap((deviceId) => {
      const activity = this.activities.get(deviceId);
      return activity ? [{ deviceId, activity: structuredClone(activity) }] : [];
    });
    this.dirty = new Set();
    return rows;
  }

  markDirty(deviceIds: string[]): void {
    for (const id of deviceIds) this.dirty.add(id);
  }
}
