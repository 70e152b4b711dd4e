import type { Client } from 'aedes';
import type { Broker } from './create-broker';

/** Device PUBLISHes held at most (read, PUBACK not yet sent) before device sockets stop being read. */
export const DEFAULT_MAX_HELD_PUBLISHES = 50_000;
/** Reading resumes once the held count is back under this share of the limit. */
const RESUME_AT = 0.8;

/**
 * The memory budget of held device PUBLISHes: read from a device socket, waiting for ingest to
 * make them durable (their PUBACK waits too). While the store is slow or the spool full, aedes keeps
 * reading sockets (every new chunk of data lets it read the next), so a fleet sending one message
 * at a time grows the heap without bound, ~3.4 KB a message. Past `maxHeld`, device sockets are no
 * longer read (TCP pushes back on the devices, which keep what is unacknowledged) until the held
 * count is back under 80 % of it. Held messages stay under about the limit plus one socket read
 * (up to ~16 KB of messages) at the crossing.
 */
export class HeldPublishes {
  held = 0;
  /** The most held at once since start (reported in the drills). */
  peak = 0;
  /** Times a device socket was paused for the budget. */
  pauses = 0;
  private readonly waiting = new Set<() => void>();

  constructor(public maxHeld = DEFAULT_MAX_HELD_PUBLISHES) {}

  get full(): boolean {
    return this.held >= this.maxHeld;
  }

  /** Sockets paused now. */
  get pausedSockets(): number {
    return this.waiting.size;
  }

  take(): void {
    this.held++;
    if (this.held > this.peak) this.peak = this.held;
  }

  give(): void {
    this.held--;
    // One socket at a time, longest paused first: each parses the chunk it kept, which may take
    // the count back over the mark, so resuming all at once would overshoot by a chunk each.
    for (const resume of this.waiting) {
      if (this.held > this.maxHeld * RESUME_AT) return;
      this.waiting.delete(resume);
      resume();
    }
  }

  /** Calls `resume` once the held count is back under the resume mark. */
  waitForRoom(resume: () => void): void {
    this.pauses++;
    this.waiting.add(resume);
  }
}

const budgets = new WeakMap<Broker, HeldPublishes>();
const clientBudgets = new WeakMap<Client, HeldPublishes>();
const exempt = new WeakSet<Client>();

/** The broker's budget (created with the default limit at first use). */
export function heldPublishes(broker: Broker): HeldPublishes {
  let budget = budgets.get(broker);
  if (!budget) budgets.set(broker, (budget = new HeldPublishes()));
  return budget;
}

/** The budget a client's PUBLISHes count against (undefined for a client not from our listeners). */
export function budgetOf(client: Client): HeldPublishes | undefined {
  return clientBudgets.get(client);
}

/** GridSense's own services (the bus) are always read: their packets are not held by ingest. */
export function exemptFromBudget(client: Client): void {
  exempt.add(client);
}

interface ClientInternals {
  _parser?: { parse(chunk: Buffer): number };
  /** aedes reads the next chunk once this is back to 0 (one per packet being handled, plus one). */
  _parsingBatch: number;
  pause(): void;
  resume(): void;
}

/**
 * Stops reading `client`'s socket while the broker's budget is full: a chunk read then is kept
 * unparsed, the client paused (aedes then leaves the socket unread, and its buffer fills), and
 * once there is room the chunk is parsed and reading resumes.
 */
export function readWithinBudget(broker: Broker, client: Client): void {
  const budget = heldPublishes(broker);
  clientBudgets.set(client, budget);
  const internals = client as unknown as ClientInternals;
  const parser = internals._parser;
  if (!parser) throw new Error('aedes client has no parser: the held-publish budget cannot be enforced');
  const parse = parser.parse.bind(parser);
  let kept: Buffer[] = [];
  const resume = () => {
    if (client.closed) return;
    const chunks = kept;
    kept = [];
    // Done callbacks that came while paused were not counted (aedes ignores them while paused).
    internals._parsingBatch = 0;
    for (const chunk of chunks) parse(chunk);
    internals.resume();
  };
  parser.parse = (chunk) => {
    // A client not yet connected is read: its CONNECT must be answered, or it times out and retries.
    if (kept.length === 0 && (!budget.full || !client.connected || exempt.has(client))) return parse(chunk);
    kept.push(chunk);
    if (kept.length === 1) {
      internals.pause();
      budget.waitForRoom(resume);
    }
    return 0;
  };
}
