import { startBrokerNode, type DeviceTable } from './broker-node';

/** A broker node alone in this process (see startBrokerNodeProcess); settings in NODE_SETTINGS. */
const settings = JSON.parse(process.env.NODE_SETTINGS ?? '{}') as {
  redisUrl: string;
  nodeId: string;
  devices: [string, { secret: string; gridId: string }][];
  serviceSecret: string;
  heartbeatIntervalMs?: number;
};
const devices: DeviceTable = new Map(settings.devices);
const node = await startBrokerNode({ ...settings, devices: () => devices });
console.log(`listening ${node.url}`);
