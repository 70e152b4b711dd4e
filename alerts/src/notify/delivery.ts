import type { Bus } from '@gridsense/core';
import {
  deletePushSubscription,
  findPushSubscription,
  listChannels,
  listDueMessages,
  recordAttempt,
  type OutboxMessage,
  type StateDb,
} from '@gridsense/state';
import { buildChannelRequest, interpretChannelResponse, type ChannelMessage } from './channel-senders';
import { buildPushRequest, loadVapidKeys, type VapidKeys } from './web-push';

export interface DeliveryOptions {
  /** First retry after this; each further retry waits twice as long, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Attempts before a message is marked failed for good. */
  maxAttempts: number;
  timeoutMs: number;
  /** How often the outbox is polled when nothing wakes the worker. */
  pollMs: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  retryBaseMs: 5_000,
  retryMaxMs: 10 * 60_000,
  maxAttempts: 8,
  timeoutMs: 10_000,
  pollMs: 5_000,
};

interface Outcome {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
  /** False when trying again cannot help (a gone subscription, a deleted channel, a 4xx). */
  retry: boolean;
}

export function backoffMs(
  attempt: number,
  options: Pick<DeliveryOptions, 'retryBaseMs' | 'retryMaxMs'>,
): number {
  return Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** (attempt - 1));
}

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/**
 * Sends what the outbox holds: in-app over the bus (the web gateway puts it in the person's
 * room), Web Push to each subscription, webhooks to each channel; every attempt is logged, and
 * failures are retried with exponential backoff from stored state (a restart resumes them).
 */
export function createDelivery(deps: {
  db: StateDb;
  bus: Bus;
  now: () => number;
  options?: Partial<DeliveryOptions>;
  onError: (error: unknown, context: string) => void;
}) {
  const options = { ...DEFAULT_DELIVERY_OPTIONS, ...deps.options };
  let vapid: VapidKeys | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let running: Promise<number> | undefined;
  let again = false;

  async function post(
    url: string,
    headers: Record<string, string>,
    body: string | Buffer,
  ): Promise<{ status: number; text: string }> {
    const response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(options.timeoutMs),
    });
    return { status: response.status, text: await response.text() };
  }

  async function deliver(message: OutboxMessage, now: number): Promise<Outcome> {
    const view: ChannelMessage = { ...message, at: now };
    if (message.targetKind === 'inapp') {
      const { kind, title, lines, caseIds, count } = message;
      await deps.bus.publish('case.notified', {
        userId: message.targetId,
        notice: { id: message.id, kind, title, lines, caseIds, count, at: now },
      });
      return { ok: true, statusCode: null, error: null, retry: false };
    }
    if (message.targetKind === 'push') {
      const sub = await findPushSubscription(deps.db, message.targetId);
      if (!sub) return { ok: false, statusCode: null, error: 'the subscription is gone', retry: false };
      vapid ??= await loadVapidKeys(deps.db);
      const payload = JSON.stringify({
        title: message.title,
        body: message.lines.at(-1) ?? '',
        caseIds: message.caseIds,
        count: message.count,
        kind: message.kind,
      });
      const request = buildPushRequest(sub, payload, vapid, 3600);
      const { status } = await post(request.url, request.headers, request.bodyBytes);
      if (status === 404 || status === 410) await deletePushSubscription(deps.db, sub.endpoint);
      const ok = status >= 200 && status < 300;
      return { ok, statusCode: status, error: ok ? null : `HTTP ${status}`, retry: !ok && retryable(status) };
    }
    const channel = (await listChannels(deps.db)).find((c) => c.id === message.targetId);
    if (!channel?.enabled)
      return { ok: false, statusCode: null, error: 'the channel is deleted or disabled', retry: false };
    const request = buildChannelRequest(channel, view, now);
    const { status, text } = await post(request.url, request.headers, request.body);
    const verdict = interpretChannelResponse(channel.kind, status, text);
    // A robot's own errcode (e.g. rate limited) is worth retrying; a 4xx from a webhook is not.
    return {
      ...verdict,
      statusCode: status,
      retry: !verdict.ok && (retryable(status) || (status >= 200 && status < 300)),
    };
  }

  async function attempt(message: OutboxMessage): Promise<void> {
    const started = deps.now();
    let outcome: Outcome;
    try {
      outcome = await deliver(message, started);
    } catch (error) {
      outcome = {
        ok: false,
        statusCode: null,
        error: error instanceof Error ? error.message : String(error),
        retry: true,
      };
    }
    const at = deps.now();
    const attempts = message.attempts + 1;
    const giveUp = !outcome.ok && (!outcome.retry || attempts >= options.maxAttempts);
    await recordAttempt(
      deps.db,
      message.id,
      { at, ok: outcome.ok, statusCode: outcome.statusCode, error: outcome.error, durationMs: at - started },
      {
        status: outcome.ok ? 'sent' : giveUp ? 'failed' : 'pending',
        notBefore: outcome.ok || giveUp ? at : at + backoffMs(attempts, options),
      },
    );
  }

  async function runOnce(): Promise<number> {
    const due = await listDueMessages(deps.db, deps.now(), 50);
    await Promise.all(
      due.map((m) => attempt(m).catch((error: unknown) => deps.onError(error, `notification ${m.id}`))),
    );
    return due.length;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void run(), delayMs);
    timer.unref();
  }

  /** Runs passes until the outbox has nothing due; overlapping calls fold into one more pass. */
  async function run(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      let total = 0;
      do {
        again = false;
        total += await runOnce().catch((error: unknown) => (deps.onError(error, 'notification delivery'), 0));
      } while (again);
      return total;
    })();
    try {
      return await running;
    } finally {
      running = undefined;
      schedule(options.pollMs);
    }
  }

  return {
    /** Something is due now: deliver without waiting for the next poll. */
    wake(): void {
      if (!stopped) schedule(0);
    },
    /** One delivery pass (tests). */
    runOnce: run,
    start(): void {
      stopped = false;
      schedule(0);
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}
