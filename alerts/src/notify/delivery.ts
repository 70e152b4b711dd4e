import { apiText, type ApiText, type Bus, type WorkMessagingConfig } from '@gridsense/core';
import {
  deletePushSubscription,
  findPersonContacts,
  findPersonLocales,
  findPushSubscription,
  listChannels,
  claimMessages,
  listDueByTarget,
  listDueMessages,
  noticeView,
  recordAttempt,
  releaseMessage,
  type OutboxMessage,
  type StateDb,
} from '@gridsense/state';
import { buildChannelRequest, interpretChannelResponse, type ChannelMessage } from './channel-senders';
import { failureOf, httpStatusFailure } from './delivery-failure';
import { postOnce } from './http-post';
import { guardedLookup, PushTargetRefused, refuseBadPushUrl, type PushTargetPolicy } from './push-endpoint';
import { buildPushRequest, loadVapidKeys, type VapidKeys } from './web-push';
import { createWorkMessaging, parsePersonTarget } from './work-messaging';

export interface DeliveryOptions {
  /** First retry after this; each further retry waits twice as long, up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Attempts before a message is marked failed for good. */
  maxAttempts: number;
  /** One attempt to one push service or webhook (connect, send, answer) gives up after this. */
  timeoutMs: number;
  /** How often the outbox is polled when nothing wakes the worker. */
  pollMs: number;
  /** Push services sent to at once; each gets one message at a time. */
  pushConcurrency: number;
  /** Webhooks and robots sent to at once; each gets one message at a time. */
  channelConcurrency: number;
}

export const DEFAULT_DELIVERY_OPTIONS: DeliveryOptions = {
  retryBaseMs: 5_000,
  retryMaxMs: 10 * 60_000,
  maxAttempts: 8,
  timeoutMs: 10_000,
  pollMs: 5_000,
  pushConcurrency: 16,
  channelConcurrency: 8,
};

interface Outcome {
  ok: boolean;
  statusCode: number | null;
  /** Why it failed (`delivery.*`), stored as a key with parameters; null when it went out. */
  failure: ApiText | null;
  /** False when trying again cannot help (a gone subscription, a deleted channel, a 4xx). */
  retry: boolean;
}

/** One GET (a platform's access token), no redirects followed, given up after `timeoutMs`. */
async function getOnce(
  url: string,
  timeoutMs: number,
  stop: AbortSignal,
): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    redirect: 'manual',
    signal: AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]),
  });
  return { status: response.status, text: await response.text() };
}

export function backoffMs(
  attempt: number,
  options: Pick<DeliveryOptions, 'retryBaseMs' | 'retryMaxMs'>,
): number {
  return Math.min(options.retryMaxMs, options.retryBaseMs * 2 ** (attempt - 1));
}

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/** In-app notices go out in the pass; these go out beside it, one message at a time per target. */
type Lane = 'push' | 'channel' | 'person';
const LANES: readonly Lane[] = ['push', 'channel', 'person'];
const IN_APP_BATCH = 200;
/**
 * How long a claimed message is this worker's (`claimMessages`): far longer than any send takes,
 * and how long a message waits for another worker when this one dies mid-send.
 */
const CLAIM_LEASE_MS = 5 * 60_000;

/**
 * Sends what the outbox holds: in-app over the bus (the web gateway puts it in the person's
 * room), Web Push to each subscription, webhooks to each channel; every attempt is logged, and
 * failures are retried with exponential backoff from stored state (a restart resumes them).
 * A pass never waits for a push service or webhook: each target has its own lane with one
 * message in flight and a timeout, so a slow one holds back only its own messages.
 */
export function createDelivery(deps: {
  db: StateDb;
  bus: Bus;
  now: () => number;
  options?: Partial<DeliveryOptions>;
  onError: (error: unknown, context: string) => void;
  /** Tests only (push receivers on loopback); no production entry point sets it. */
  pushTargets?: PushTargetPolicy;
  /** DingTalk, WeCom and SMS messages to people by name, where configured. */
  workMessaging?: WorkMessagingConfig;
}) {
  const options = { ...DEFAULT_DELIVERY_OPTIONS, ...deps.options };
  const concurrency: Record<Lane, number> = {
    push: options.pushConcurrency,
    channel: options.channelConcurrency,
    person: options.channelConcurrency,
  };
  const lookup = guardedLookup(deps.pushTargets);
  let vapid: VapidKeys | undefined;
  let timer: NodeJS.Timeout | undefined;
  let stopped = true;
  let running: Promise<number> | undefined;
  let again = false;
  /** Targets with a message in flight, per lane. */
  const sending: Record<Lane, Map<string, Promise<void>>> = {
    push: new Map(),
    channel: new Map(),
    person: new Map(),
  };
  const stopping = new AbortController();
  /** Sends ended so far: a send ending during a pass frees its target after the pass looked. */
  let sendsEnded = 0;

  const post = (url: string, headers: Record<string, string>, body: string | Buffer, guarded: boolean) =>
    postOnce(url, headers, body, {
      timeoutMs: options.timeoutMs,
      signal: stopping.signal,
      ...(guarded ? { lookup } : {}),
    });

  async function deliverInApp(message: OutboxMessage, now: number): Promise<Outcome> {
    await deps.bus.publish('case.notified', {
      userId: message.targetId,
      notice: noticeView(message, { read: false, at: now }),
    });
    return { ok: true, statusCode: null, failure: null, retry: false };
  }

  async function deliverPush(message: OutboxMessage): Promise<Outcome> {
    const sub = await findPushSubscription(deps.db, message.targetId);
    if (!sub)
      return { ok: false, statusCode: null, failure: apiText('delivery.subscriptionGone'), retry: false };
    vapid ??= await loadVapidKeys(deps.db);
    const payload = JSON.stringify({
      title: message.title,
      body: message.lines.at(-1) ?? '',
      caseIds: message.caseIds,
      count: message.count,
      kind: message.kind,
    });
    refuseBadPushUrl(sub.endpoint, deps.pushTargets);
    const request = buildPushRequest(sub, payload, vapid, 3600);
    const { status } = await post(request.url, request.headers, request.bodyBytes, true);
    if (status === 404 || status === 410) await deletePushSubscription(deps.db, sub.endpoint);
    const ok = status >= 200 && status < 300;
    return {
      ok,
      statusCode: status,
      failure: ok ? null : httpStatusFailure(status),
      retry: !ok && retryable(status),
    };
  }

  async function deliverToChannel(message: OutboxMessage, now: number): Promise<Outcome> {
    const view: ChannelMessage = { ...message, at: now };
    const channel = (await listChannels(deps.db)).find((c) => c.id === message.targetId);
    if (!channel?.enabled)
      return { ok: false, statusCode: null, failure: apiText('delivery.channelGone'), retry: false };
    const request = buildChannelRequest(channel, view, now);
    // Webhook URLs are set by admins and may well be on the LAN: not guarded like push endpoints.
    const { status, text } = await post(request.url, request.headers, request.body, false);
    const verdict = interpretChannelResponse(channel.kind, status, text);
    // A robot's own errcode (e.g. rate limited) is worth retrying; a 4xx from a webhook is not.
    return {
      ...verdict,
      statusCode: status,
      retry: !verdict.ok && (retryable(status) || (status >= 200 && status < 300)),
    };
  }

  const work = createWorkMessaging(deps.workMessaging ?? {}, {
    post: (url, headers, body) => post(url, headers, body, false),
    get: (url) => getOnce(url, options.timeoutMs, stopping.signal),
    now: deps.now,
  });

  /** DingTalk 工作通知, WeCom 应用消息 or an SMS: to the person by the id their contacts hold now. */
  async function deliverToPerson(message: OutboxMessage, now: number): Promise<Outcome> {
    const target = parsePersonTarget(message.targetId);
    if (!target)
      return { ok: false, statusCode: null, failure: apiText('delivery.notPersonTarget'), retry: false };
    const contacts = await findPersonContacts(deps.db, target.userId);
    // The words around the lines in the person's language, as the lines were rendered.
    const locale = (await findPersonLocales(deps.db, [target.userId])).get(target.userId);
    return work.send(target.kind, contacts, { ...message, at: now, ...(locale ? { locale } : {}) });
  }

  function deliver(message: OutboxMessage, now: number): Promise<Outcome> {
    switch (message.targetKind) {
      case 'inapp':
        return deliverInApp(message, now);
      case 'push':
        return deliverPush(message);
      case 'channel':
        return deliverToChannel(message, now);
      case 'person':
        return deliverToPerson(message, now);
    }
  }

  async function attempt(message: OutboxMessage): Promise<void> {
    const started = deps.now();
    let outcome: Outcome;
    try {
      outcome = await deliver(message, started);
    } catch (error) {
      // Stopping mid-send: the message is due again and goes out after the restart.
      if (stopping.signal.aborted) return releaseMessage(deps.db, message.id, started);
      outcome = {
        ok: false,
        statusCode: null,
        failure: failureOf(error),
        retry: !(error instanceof PushTargetRefused),
      };
    }
    const at = deps.now();
    const attempts = message.attempts + 1;
    const giveUp = !outcome.ok && (!outcome.retry || attempts >= options.maxAttempts);
    await recordAttempt(
      deps.db,
      message.id,
      {
        at,
        ok: outcome.ok,
        statusCode: outcome.statusCode,
        failure: outcome.failure,
        durationMs: at - started,
      },
      {
        status: outcome.ok ? 'sent' : giveUp ? 'failed' : 'pending',
        notBefore: outcome.ok || giveUp ? at : at + backoffMs(attempts, options),
      },
    );
  }

  /** Starts sending to a target in its lane; when done, the lane is free and a pass looks again. */
  function launch(lane: Lane, message: OutboxMessage): void {
    const send = attempt(message)
      .catch((error: unknown) => deps.onError(error, `notification ${message.id}`))
      .finally(() => {
        sendsEnded++;
        sending[lane].delete(message.targetId);
        if (!stopped) schedule(0);
      });
    sending[lane].set(message.targetId, send);
  }

  async function pass(): Promise<number> {
    const now = deps.now();
    const claim = (messages: OutboxMessage[]) => claimMessages(deps.db, messages, now, now + CLAIM_LEASE_MS);
    const inApp = await claim(await listDueMessages(deps.db, now, IN_APP_BATCH, 'inapp'));
    for (const message of inApp)
      await attempt(message).catch((error: unknown) => deps.onError(error, `notification ${message.id}`));
    if (inApp.length === IN_APP_BATCH) again = true;
    let launched = 0;
    for (const lane of LANES) {
      const free = concurrency[lane] - sending[lane].size;
      if (free <= 0) continue;
      const due = await claim(
        await listDueByTarget(deps.db, now, lane, { busyTargets: [...sending[lane].keys()], limit: free }),
      );
      for (const message of due) launch(lane, message);
      launched += due.length;
    }
    return inApp.length + launched;
  }

  function schedule(delayMs: number): void {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(() => void run(), delayMs);
    timer.unref();
  }

  /** Runs passes until one finds nothing more to start; overlapping calls fold into one more pass. */
  async function run(): Promise<number> {
    if (running) {
      again = true;
      return running;
    }
    const current = (async () => {
      let total = 0;
      try {
        do {
          again = false;
          total += await pass().catch((error: unknown) => (deps.onError(error, 'notification delivery'), 0));
        } while (again);
        return total;
      } finally {
        // Cleared in the same turn as the last `again` check: a call arriving after it starts a
        // run of its own instead of being handed this finished one (and its due message missed).
        running = undefined;
      }
    })();
    running = current;
    try {
      return await current;
    } finally {
      schedule(options.pollMs);
    }
  }

  const inFlight = () => LANES.flatMap((lane) => [...sending[lane].values()]);

  /** Delivers everything due and waits for the sends, until nothing more is due (tests). */
  async function drain(): Promise<number> {
    let total = 0;
    for (;;) {
      const endedBefore = sendsEnded;
      const started = await run();
      total += started;
      const pending = inFlight();
      // A send that ended during that run freed its target after the run had listed: look again.
      if (pending.length === 0 && started === 0 && sendsEnded === endedBefore) return total;
      await Promise.all(pending);
    }
  }

  return {
    /** Something is due now: deliver without waiting for the next poll. */
    wake(): void {
      if (!stopped) schedule(0);
    },
    /** One pass: in-app notices sent, push and webhook sends started, not waited for (tests). */
    pass: run,
    /** Everything due delivered, sends included (tests). */
    runOnce: drain,
    start(): void {
      stopped = false;
      schedule(0);
    },
    async stop(): Promise<void> {
      stopped = true;
      clearTimeout(timer);
      await running?.catch(() => undefined);
      stopping.abort();
      await Promise.all(inFlight());
    },
  };
}
