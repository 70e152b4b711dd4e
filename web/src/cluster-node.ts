import { hostname } from 'node:os';

/**
 * The web service's MQTT client id on the bus, one per web node: a broker ends the older of two
 * connections with one id, so nodes sharing one would take turns on the bus and each miss events.
 * Host name and HTTP port keep it stable across restarts (its persistent session resumes, with what
 * was published while it was down) and apart for two nodes on one host.
 */
export function webBusClientId(httpPort: number, host = hostname()): string {
  return `gridsense-web-${host}-${httpPort}`;
}
