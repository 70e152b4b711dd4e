/** What a store kept of one device's readings in a step's window: every store is counted alike. */
export interface StoredCount {
  /** Readings stored, each seq once. */
  count: number;
  minSeq: number;
  maxSeq: number;
}

/** Counts a step's readings per device in a store, over [from, to] (the step's time window). */
export type CountStored = (
  from: number,
  to: number,
  deviceIds: string[],
) => Promise<Map<string, StoredCount>>;
