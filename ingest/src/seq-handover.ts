import type { Intent } from './intent-journal';

/**
 * The intent journal's shared half, on a broker cluster (decision 0016). A node's local journal
 * lets that node write a reading in flight at its crash once more with the same ts; but after a
 * crash its devices reconnect to another node, which cannot read that disk. So each node also
 * shares a batch's intents before writing it, and forgets them once its saved seq state covers
 * them; a node that takes a device over reads the device's seq state from the database and its
 * shared intents, and writes a redelivery with the journaled ts (one point), not a new one.
 */
/** An intent as shared: with the boot count its seq belongs to (−1: the device announced none). */
export type SharedSeqIntent = Intent & { boot: number };

export interface SeqHandover {
  /** Before the batch holding them is written; resolves (having logged) if they could not be shared. */
  share(intents: readonly SharedSeqIntent[]): Promise<void>;
  /** Once the seq state recording them is saved. */
  forget(intents: readonly Intent[]): Promise<void>;
  /** The intents any node shared for a device lately and has not forgotten. */
  intentsOf(deviceId: string): Promise<SharedSeqIntent[]>;
}
