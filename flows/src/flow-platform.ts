import {
  decodeEvent,
  decodeTelemetry,
  parseDeviceTopic,
  regionLineage,
  type Bus,
  type BusPayloads,
  type CaseView,
  type DeviceEvent,
  type DeviceIdentity,
  type Reading,
  type Region,
  type RiskSignal,
} from '@gridsense/core';

export type CaseChange = BusPayloads['case.changed'];

/**
 * What GridSense nodes in Node-RED may use of the platform (handed to them as
 * `RED.settings.gridsense`). Listeners return an unsubscribe function: Node-RED re-creates nodes
 * on every deploy, and the bus itself has no unsubscribe.
 */
export interface FlowPlatform {
  onTelemetry(listener: (reading: Reading) => void): () => void;
  onEvent(listener: (event: DeviceEvent) => void): () => void;
  onCaseChanged(listener: (change: CaseChange, view: CaseView | undefined) => void): () => void;
  /** Enters the path of built-in rules: a `risk.changed` signal, which becomes a case. */
  raiseRisk(signal: RiskSignal): Promise<void>;
  device(deviceId: string): DeviceIdentity | undefined;
  /** A grid and its ancestors up to the district, grid first. */
  lineage(gridId: string): string[];
  now(): number;
}

export interface FlowPlatformDeps {
  bus: Bus;
  device(deviceId: string): DeviceIdentity | undefined;
  caseView(caseId: string): Promise<CaseView | undefined>;
  regions(): readonly Region[];
  now: () => number;
  onError: (error: unknown, context: string) => void;
}

/** Subscribes to the bus once and fans out to whichever nodes are deployed. */
export async function createFlowPlatform(deps: FlowPlatformDeps): Promise<FlowPlatform> {
  const telemetry = new Set<(reading: Reading) => void>();
  const events = new Set<(event: DeviceEvent) => void>();
  const cases = new Set<(change: CaseChange, view: CaseView | undefined) => void>();
  const listen = <T>(set: Set<T>, listener: T) => {
    set.add(listener);
    return () => void set.delete(listener);
  };
  const safely = (context: string, run: () => void) => {
    try {
      run();
    } catch (error) {
      deps.onError(error, context);
    }
  };

  // Raw device topics carry only payloads ingest accepted (rejects are re-routed), but they are
  // decoded again here with the same core decoder, so a flow sees exactly what rules see.
  await deps.bus.subscribeTopic('gs/v1/+/+/+', (topic, payload) => {
    const parsed = parseDeviceTopic(topic);
    if (!parsed || (telemetry.size === 0 && events.size === 0)) return;
    const device = deps.device(parsed.deviceId);
    if (!device || device.gridId !== parsed.gridId) return;
    if (parsed.kind === 'telemetry' && telemetry.size > 0) {
      const decoded = decodeTelemetry(payload, device, deps.now());
      if (!decoded.ok) return;
      for (const reading of decoded.value)
        for (const listener of telemetry) safely('flow telemetry', () => listener(reading));
    } else if (parsed.kind === 'event' && events.size > 0) {
      const decoded = decodeEvent(payload, device, deps.now());
      if (decoded.ok) for (const listener of events) safely('flow event', () => listener(decoded.value));
    }
  });
  await deps.bus.subscribe('case.changed', async (change) => {
    if (cases.size === 0) return;
    const view = await deps.caseView(change.caseId);
    for (const listener of cases) safely('flow case', () => listener(change, view));
  });

  return {
    onTelemetry: (listener) => listen(telemetry, listener),
    onEvent: (listener) => listen(events, listener),
    onCaseChanged: (listener) => listen(cases, listener),
    raiseRisk: (signal) => deps.bus.publish('risk.changed', signal),
    device: deps.device,
    now: deps.now,
    lineage: (gridId) => {
      const lineage = regionLineage(deps.regions(), gridId).map((r) => r.id);
      return lineage.length > 0 ? lineage : [gridId];
    },
  };
}
