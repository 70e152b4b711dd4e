import type { FlowPlatform } from '../flow-platform';

/** The small part of Node-RED's node API GridSense nodes use (Node-RED ships no types). */
export interface NodeMessage {
  payload?: unknown;
  topic?: string;
  [key: string]: unknown;
}

export interface NodeStatus {
  fill?: 'red' | 'green' | 'yellow' | 'blue' | 'grey';
  shape?: 'ring' | 'dot';
  text?: string;
}

export interface NodeInstance {
  id: string;
  on(
    event: 'input',
    handler: (msg: NodeMessage, send: (msg: NodeMessage) => void, done: (error?: Error) => void) => void,
  ): void;
  on(event: 'close', handler: (done: () => void) => void): void;
  send(msg: NodeMessage): void;
  status(status: NodeStatus): void;
  error(error: unknown, msg?: NodeMessage): void;
}

export interface NodeRedApi {
  nodes: {
    createNode(node: NodeInstance, config: object): void;
    registerType(type: string, constructor: (this: NodeInstance, config: never) => void): void;
  };
  settings: { gridsense?: FlowPlatform };
}

/** The platform handle, or a node status saying it is missing (a Node-RED not run by GridSense). */
export function platformOf(RED: NodeRedApi, node: NodeInstance): FlowPlatform | undefined {
  const platform = RED.settings.gridsense;
  if (!platform) node.status({ fill: 'red', shape: 'ring', text: '未连接 GridSense 平台' });
  return platform;
}

/** Optional text fields of a node's config: blank means "any". */
export const optional = (value: string | undefined): string | undefined => {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
};
