import {
  decodeEvent,
  decodeTelemetry,
  regionLineage,
  type CaseView,
  type DeviceEvent,
  type Reading,
  type Region,
  type RiskSignal,
} from '@gridsense/core';
import type { CaseChange, FlowInterest, FlowTraffic, RaiseRiskRequest } from './node-red-protocol';

/**
 * What GridSense nodes in Node-RED may use of the platform (handed to them as
 * `RED.settings.gridsense`). Listeners return an unsubscribe function: Node-RED re-creates nodes
 * on every deploy. Everything arrives from, or goes to, the platform process over the pipe.
 */
export interface FlowPlatform {
  onTelemetry(listener: (reading: Reading) => void): () => void;
  onEvent(listener: (event: DeviceEvent) => void): () => void;
  onCaseChanged(listener: (change: CaseChange, view: CaseView | undefined) => void): () => void;
  /**
   * Enters the path of built-in rules: the platform checks the request against its device
   * registry, publishes a `risk.changed` signal (which becomes a case) and answers with it.
   */
  raiseRisk(request: RaiseRiskRequest): Promise<RiskSignal>;
  /** A grid and its ancestors up to the district, grid first. */
  lineage(gridId: string): string[];
  now(): number;
}

export interface FlowPlatformDeps {
  raiseRisk(request: RaiseRiskRequest): Promise<RiskSignal>;
  /** Tells the platform which traffic to forward (nothing is sent for kinds nobody listens to). */
  reportInterest(interest: FlowInterest): void;
  now: () => number;
  onError: (error: unknown, context: string) => void;
}

/** The platform handle inside Node-RED's process, fed by `receive` with what the platform forwards. */
export function createFlowPlatform(deps: FlowPlatformDeps): {
  platform: FlowPlatform;
  receive(message: FlowTraffic): void;
} {
  const telemetry = new Set<(reading: Reading) => void>();
  const events = new Set<(event: DeviceEvent) => void>();
  const cases = new Set<(change: CaseChange, view: CaseView | undefined) => void>();
  let regions: readonly Region[] = [];
  let reported = '';

  const reportInterest = () => {
    const interest = { telemetry: telemetry.size > 0, events: events.size > 0, cases: cases.size > 0 };
    const key = JSON.stringify(interest);
    if (key === reported) return;
    reported = key;
    deps.reportInterest(interest);
  };
  const listen = <T>(set: Set<T>, listener: T) => {
    set.add(listener);
    reportInterest();
    return () => {
      set.delete(listener);
      reportInterest();
    };
  };
  const safely = (context: string, run: () => void) => {
    try {
      run();
    } catch (error) {
      deps.onError(error, context);
    }
  };

  // Device payloads are decoded here with the same core decoder ingest uses, so a flow sees
  // exactly what rules see; the platform only attaches the device's identity from its registry.
  const receive = (message: FlowTraffic) => {
    switch (message.t) {
      case 'device': {
        const payload = Buffer.from(message.payload, 'utf8');
        if (message.kind === 'telemetry') {
          const decoded = decodeTelemetry(payload, message.device, deps.now());
          if (!decoded.ok) return;
          for (const reading of decoded.value)
            for (const listener of telemetry) safely('flow telemetry', () => listener(reading));
        } else {
          const decoded = decodeEvent(payload, message.device, deps.now());
          if (decoded.ok) for (const listener of events) safely('flow event', () => listener(decoded.value));
        }
        return;
      }
      case 'case':
        for (const listener of cases) safely('flow case', () => listener(message.change, message.view));
        return;
      case 'regions':
        regions = message.regions;
        return;
    }
  };

  return {
    receive,
    platform: {
      onTelemetry: (listener) => listen(telemetry, listener),
      onEvent: (listener) => listen(events, listener),
      onCaseChanged: (listener) => listen(cases, listener),
      raiseRisk: (request) => deps.raiseRisk(request),
      now: deps.now,
      lineage: (gridId) => {
        const lineage = regionLineage(regions, gridId).map((r) => r.id);
        return lineage.length > 0 ? lineage : [gridId];
      },
    },
  };
}
