import { parseDeviceTopic, type Region } from '@gridsense/core';
import type { ChildMessage, FlowDiff, FlowInterest, ParentMessage } from '@gridsense/flows';
import { appendAudit, findUserByUsername } from '@gridsense/state';
import { editorAccounts, mayEditFlows } from './node-red-editors';
import type { NodeRedLink } from './node-red-process';
import { riskFromFlow } from './node-red-risks';
import type { WebDeps } from './web-deps';

/** Bytes queued towards a Node-RED that does not keep up; beyond this its device traffic is dropped. */
const MAX_BACKLOG_BYTES = 8 * 1024 * 1024;
/** Deploy reports accepted per minute (people deploy a few times an hour). */
const DEPLOYS_PER_MINUTE = 30;
/** Requests from the child being answered at once; more are declined until some finish. */
const MAX_OPEN_REQUESTS = 64;
const NONE: FlowInterest = { telemetry: false, events: false, cases: false };

export type NodeRedBridgeDeps = Pick<WebDeps, 'db' | 'bus' | 'registry' | 'cases' | 'logger' | 'now'>;

/**
 * The platform's side of the pipe to Node-RED: forwards the traffic deployed nodes listen to
 * (device telemetry and events, case changes, the region tree) and answers what the child may
 * ask (editor sign-in, raising a flow's risk), and writes each deploy to the audit chain. This is
 * the whole of what Node-RED can reach of GridSense.
 */
export function createNodeRedBridge(deps: NodeRedBridgeDeps) {
  const editors = editorAccounts(deps.db, deps.now);
  let link: NodeRedLink | undefined;
  let interest = NONE;
  let queue: ParentMessage[] = [];
  let flushing = false;
  let sentRegions: readonly Region[] | undefined;
  let dropped = 0;
  let openRequests = 0;
  let audits = Promise.resolve();
  const deployBudget = { minute: 0, left: DEPLOYS_PER_MINUTE };

  const flush = () => {
    flushing = false;
    const batch = queue;
    queue = [];
    if (!link) return;
    const regions = deps.cases.regions();
    // Only what lineage needs: boundaries stay here.
    if (regions !== sentRegions) {
      sentRegions = regions;
      batch.unshift({ t: 'regions', regions: regions.map((r) => ({ ...r, boundary: null })) });
    }
    link.sendAll(batch);
  };

  // Everything that arrives in one turn of the event loop goes over the pipe in one write.
  const scheduleFlush = () => {
    if (flushing) return;
    flushing = true;
    setImmediate(flush);
  };

  const enqueue = (message: ParentMessage) => {
    if (!link) return;
    if (link.backlogBytes > MAX_BACKLOG_BYTES) {
      if (dropped++ % 10_000 === 0)
        deps.logger.warn({ dropped }, 'Node-RED is not keeping up; device traffic for flows dropped');
      return;
    }
    queue.push(message);
    scheduleFlush();
  };

  const recordDeploy = (username: string | null, diff: FlowDiff) => {
    const minute = Math.floor(deps.now() / 60_000);
    if (minute !== deployBudget.minute) Object.assign(deployBudget, { minute, left: DEPLOYS_PER_MINUTE });
    if (deployBudget.left-- <= 0)
      return void deps.logger.error({ username }, 'Node-RED deploy reports over budget');
    // One at a time, in the order reported: each entry hashes the one before.
    audits = audits
      .then(async () => {
        const user = username === null ? undefined : await findUserByUsername(deps.db, username);
        const editor = user && mayEditFlows(user) ? user : undefined;
        await appendAudit(deps.db, [
          {
            at: deps.now(),
            actorId: editor?.id ?? 'node-red',
            actorName: editor?.displayName ?? 'Node-RED',
            action: 'flows.deployed',
            entityType: 'flows',
            entityId: 'node-red',
            data: { username, ...diff },
          },
        ]);
      })
      .catch((error: unknown) => deps.logger.error({ err: error }, 'Node-RED deploy not audited'));
  };

  const answer = async (message: Extract<ChildMessage, { id: number }>, to: NodeRedLink) => {
    const reply = (value: unknown) => to.send({ t: 'reply', id: message.id, ok: true, value });
    const decline = (error: string) => to.send({ t: 'reply', id: message.id, ok: false, error });
    switch (message.t) {
      case 'editor.find':
        return reply(await editors.find(message.username));
      case 'editor.authenticate':
        return reply(await editors.authenticate(message.username, message.password));
      case 'risk.raise': {
        const lookup = (deviceId: string) => {
          const device = deps.registry.get(deviceId);
          return device && { deviceId: device.id, gridId: device.gridId, deviceType: device.type };
        };
        const risk = riskFromFlow(message, lookup, deps.now());
        if (!risk.ok) return decline(risk.reason);
        await deps.bus.publish('risk.changed', risk.signal);
        return reply(risk.signal);
      }
    }
  };

  return {
    /** Subscribes once (the bus has no unsubscribe); nothing is forwarded until a child listens. */
    async subscribe(): Promise<void> {
      await deps.bus.subscribeTopic('gs/v1/+/+/+', (topic, payload) => {
        if (!interest.telemetry && !interest.events) return;
        const parsed = parseDeviceTopic(topic);
        if (!parsed) return;
        const kind = parsed.kind === 'telemetry' && interest.telemetry ? 'telemetry' : undefined;
        const wanted = kind ?? (parsed.kind === 'event' && interest.events ? 'event' : undefined);
        if (!wanted) return;
        const device = deps.registry.get(parsed.deviceId);
        if (!device || device.gridId !== parsed.gridId) return;
        enqueue({
          t: 'device',
          kind: wanted,
          device: { deviceId: device.id, gridId: device.gridId, deviceType: device.type },
          payload: Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength).toString('utf8'),
        });
      });
      await deps.bus.subscribe('case.changed', async (change) => {
        if (!interest.cases || !link) return;
        enqueue({ t: 'case', change, view: await deps.cases.view(change.caseId) });
      });
    },

    /** A child serves: it gets the region tree at once, then whatever it listens to. */
    attach(to: NodeRedLink): void {
      link = to;
      sentRegions = undefined;
      scheduleFlush();
    },

    detach(): void {
      link = undefined;
      interest = NONE;
      queue = [];
    },

    handle(message: ChildMessage, from: NodeRedLink): void {
      switch (message.t) {
        case 'interest':
          // Interest arrives while flows start, before `ready` makes this link current.
          interest = { telemetry: message.telemetry, events: message.events, cases: message.cases };
          return;
        case 'deployed':
          return recordDeploy(message.username, message.diff);
        case 'ready':
        case 'log':
          return;
        case 'editor.find':
        case 'editor.authenticate':
        case 'risk.raise':
          if (openRequests >= MAX_OPEN_REQUESTS)
            return void from.send({ t: 'reply', id: message.id, ok: false, error: 'the platform is busy' });
          openRequests++;
          answer(message, from)
            .catch((error: unknown) => {
              deps.logger.error({ err: error, request: message.t }, 'Node-RED request failed');
              from.send({ t: 'reply', id: message.id, ok: false, error: 'the platform could not answer' });
            })
            .finally(() => openRequests--);
          return;
      }
    },
  };
}
