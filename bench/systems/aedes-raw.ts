/**
 * Baseline: a bare aedes 1.x broker (a child process), default in-memory persistence, no
 * authentication, no hooks — QoS 1 pass-through from publishers to a subscriber, nothing else.
 */
import { Aedes } from 'aedes';
import { createServer } from 'node:net';
import { measureMemory, serveParent } from '../lib/child';

const broker = await Aedes.createBroker({ maxClientsIdLength: 64 });
const server = createServer((socket) => broker.handle(socket));
await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
const address = server.address();
const mqttPort = typeof address === 'object' && address ? address.port : 0;

serveParent({ mqttPort }, { memory: measureMemory }, async () => {
  await new Promise<void>((done) => broker.close(() => done()));
  await new Promise<void>((done) => server.close(() => done()));
});
