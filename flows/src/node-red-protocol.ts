import type { BusPayloads, CaseView, DeviceIdentity, Region, RiskSignal, Severity } from '@gridsense/core';
import type { FlowDiff } from './flow-diff';

/**
 * Everything the platform and its Node-RED process say to each other, one JSON message a line
 * over a pipe (see line-channel.ts). The child holds no credential of any kind: what it may ask
 * for is this closed list, and the platform answers each request itself.
 */

export type CaseChange = BusPayloads['case.changed'];

/** The accounts allowed into the editor, as Node-RED's adminAuth wants them. */
export interface EditorAccount {
  username: string;
  permissions: '*';
}

/** A "raise risk" node's request; the platform checks it and builds the signal from its own registry. */
export interface RaiseRiskRequest {
  config: { scenarioId: string; name: string; category: string; severity: Severity };
  /** The risk the node read from its message; the platform reads it again with the same parser. */
  risk: unknown;
  /** The severity it last published for this device; null before or after a risk. */
  previousSeverity: Severity | null;
  /** The settled severity to publish (flapping suppression happens in the node). */
  severity: Severity | null;
}

/** Sent once, first, over the pipe: never through argv or the environment. */
export interface NodeRedStart {
  t: 'start';
  userDir: string;
  nodesDir: string;
  /** Node-RED's entry file (lib/red.js); the child's own file lives outside node_modules. */
  nodeRedEntry: string;
  credentialSecret: string;
}

/** What the platform forwards for deployed nodes: device traffic, case changes, the region tree. */
export type FlowTraffic =
  | { t: 'device'; kind: 'telemetry' | 'event'; device: DeviceIdentity; payload: string }
  | { t: 'case'; change: CaseChange; view: CaseView | undefined }
  | { t: 'regions'; regions: Region[] };

export type ParentMessage =
  | NodeRedStart
  | { t: 'stop' }
  | FlowTraffic
  | { t: 'reply'; id: number; ok: true; value: unknown }
  | { t: 'reply'; id: number; ok: false; error: string };

export interface ChildRequests {
  'editor.find': { request: { username: string }; reply: EditorAccount | null };
  'editor.authenticate': { request: { username: string; password: string }; reply: EditorAccount | null };
  'risk.raise': { request: RaiseRiskRequest; reply: RiskSignal };
}
export type ChildRequestType = keyof ChildRequests;
export type ChildRequest = {
  [K in ChildRequestType]: { t: K; id: number } & ChildRequests[K]['request'];
}[ChildRequestType];

/** Which kinds of traffic deployed nodes listen to: the platform forwards only those. */
export interface FlowInterest {
  telemetry: boolean;
  events: boolean;
  cases: boolean;
}

export type ChildMessage =
  | { t: 'ready'; port: number }
  | ({ t: 'interest' } & FlowInterest)
  /** Flows were saved by the editor (a deploy); `username` is the signed-in editor. */
  | { t: 'deployed'; username: string | null; diff: FlowDiff }
  | { t: 'log'; level: 'error' | 'warn' | 'info'; message: string }
  | ChildRequest;

const MAX_NAME = 200;
const MAX_LOG = 4000;
const MAX_TYPES = 200;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const isText = (value: unknown, max = MAX_NAME): value is string =>
  typeof value === 'string' && value.length <= max;

function isCounts(value: unknown): value is Record<string, number> {
  if (!isRecord(value)) return false;
  const entries = Object.entries(value);
  return (
    entries.length <= MAX_TYPES &&
    entries.every(
      ([type, count]) => type.length <= MAX_NAME && Number.isSafeInteger(count) && (count as number) >= 0,
    )
  );
}

/**
 * What the platform accepts from the Node-RED process, which runs engineers' code and is
 * trusted no further than that: the shape of every message is checked here, anything else is
 * dropped (undefined). Meaning (is this device real, may this person edit flows) is checked by
 * whoever answers.
 */
export function parseChildMessage(value: unknown): ChildMessage | undefined {
  if (!isRecord(value)) return undefined;
  switch (value.t) {
    case 'ready':
      return Number.isInteger(value.port) && (value.port as number) > 0 && (value.port as number) < 65536
        ? { t: 'ready', port: value.port as number }
        : undefined;
    case 'interest':
      return typeof value.telemetry === 'boolean' &&
        typeof value.events === 'boolean' &&
        typeof value.cases === 'boolean'
        ? { t: 'interest', telemetry: value.telemetry, events: value.events, cases: value.cases }
        : undefined;
    case 'deployed': {
      const diff = value.diff;
      if (value.username !== null && !isText(value.username)) return undefined;
      if (!isRecord(diff) || !Number.isSafeInteger(diff.nodes)) return undefined;
      if (!isCounts(diff.added) || !isCounts(diff.removed) || !isCounts(diff.changed)) return undefined;
      return {
        t: 'deployed',
        username: value.username,
        diff: {
          nodes: diff.nodes as number,
          added: diff.added,
          removed: diff.removed,
          changed: diff.changed,
        },
      };
    }
    case 'log':
      return ['error', 'warn', 'info'].includes(value.level as string) && typeof value.message === 'string'
        ? {
            t: 'log',
            level: value.level as 'error' | 'warn' | 'info',
            message: value.message.slice(0, MAX_LOG),
          }
        : undefined;
    case 'editor.find':
      return Number.isSafeInteger(value.id) && isText(value.username)
        ? { t: 'editor.find', id: value.id as number, username: value.username }
        : undefined;
    case 'editor.authenticate':
      return Number.isSafeInteger(value.id) && isText(value.username) && isText(value.password, 1024)
        ? {
            t: 'editor.authenticate',
            id: value.id as number,
            username: value.username,
            password: value.password,
          }
        : undefined;
    case 'risk.raise':
      // The request's fields are parsed again, with core's own checks, by the platform.
      return Number.isSafeInteger(value.id) && isRecord(value.config)
        ? {
            t: 'risk.raise',
            id: value.id as number,
            config: value.config as RaiseRiskRequest['config'],
            risk: value.risk,
            previousSeverity: value.previousSeverity as Severity | null,
            severity: value.severity as Severity | null,
          }
        : undefined;
    default:
      return undefined;
  }
}
