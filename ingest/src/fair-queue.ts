interface Entry<T> {
  value: T;
  next: Entry<T> | undefined;
}

/** One key's entries, oldest first, and its place in the line of keys waiting for a turn. */
interface KeyQueue<T> {
  key: string;
  head: Entry<T>;
  tail: Entry<T>;
  nextInTurn: KeyQueue<T> | undefined;
}

/**
 * FIFO queues per key (per device), served one entry per key in turn: a key with a thousand
 * entries waiting takes one turn like a key with one, and each key's entries leave in the order
 * they came. O(1) per push and shift; a key with nothing waiting holds no memory.
 */
export class FairQueue<T> {
  private readonly queues = new Map<string, KeyQueue<T>>();
  private turnHead: KeyQueue<T> | undefined;
  private turnTail: KeyQueue<T> | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(key: string, value: T): void {
    const entry: Entry<T> = { value, next: undefined };
    this.count++;
    const queue = this.queues.get(key);
    if (queue) {
      queue.tail.next = entry;
      queue.tail = entry;
      return;
    }
    const fresh: KeyQueue<T> = { key, head: entry, tail: entry, nextInTurn: undefined };
    this.queues.set(key, fresh);
    this.joinTurns(fresh);
  }

  /** The entry whose turn it is, without taking it. */
  peek(): T | undefined {
    return this.turnHead?.head.value;
  }

  /** Takes the entry whose turn it is; its key goes to the back of the line if more wait. */
  shift(): T | undefined {
    const queue = this.turnHead;
    if (!queue) return undefined;
    const entry = queue.head;
    this.count--;
    this.turnHead = queue.nextInTurn;
    if (!this.turnHead) this.turnTail = undefined;
    queue.nextInTurn = undefined;
    if (entry.next) {
      queue.head = entry.next;
      this.joinTurns(queue);
    } else {
      this.queues.delete(queue.key);
    }
    return entry.value;
  }

  private joinTurns(queue: KeyQueue<T>): void {
    if (this.turnTail) this.turnTail.nextInTurn = queue;
    else this.turnHead = queue;
    this.turnTail = queue;
  }
}
