import {
  decodeEvent,
  decodeStatus,
  decodeTelemetry,
  type Bus,
  type DeviceIdentity,
  type DeviceTopic,
  type RejectReason,
  type RiskSignal,
} from '@gridsense/core';
import type { RuleEngine } from './rule-engine';
import type { RejectCounter } from './reject-counter';
import type { TimeSeriesStore } from './timeseries';
import { WriteBatcher } from './write-batcher';
import type { Reading } from '@gridsense/core';

export interface DeviceDirectory {
  get(deviceId: string): { gridId: string; type: string } | undefined;
  /** Records a status change; returns whether it changed anything. */
  markOnline(deviceId: string, online: boolean, at: number): boolean;
  touch(deviceId: string, at: number): void;
}

export interface IngestDeps {
  store: TimeSeriesStore;
  devices: DeviceDirectory;
  rules: RuleEngine;
  bus: Bus;
  rejects: RejectCounter;
  now: () => number;
  onError: (error: unknown, context: string) => void;
  /** Group-commit bounds (defaults: 5,000 readings or 5 ms). */
  batch?: { maxItems: number; maxDelayMs: number };
}

export type IngestOutcome =
  { outcome: 'accepted' } | { outcome: 'rejected'; reason: RejectReason; detail: string };

export interface Ingest {
  /** Handles one device message; resolves once it is durable (accepted) or rejected for good. */
  handleDeviceMessage(topic: DeviceTopic, payload: Buffer): Promise<IngestOutcome>;
  counters(): { accepted: number; rejected: number; readings: number };
  flush(): Promise<void>;
}

/**
 * The ingest pipeline, one small step after another:
 * identifyDevice → decode → store (durable, group-committed) → evaluateRules → publishSignals.
 */
export function createIngest(deps: IngestDeps): Ingest {
  const readings = new WriteBatcher<Reading>(
    (items) => deps.store.writeReadings(items),
    deps.batch ?? { maxItems: 5000, maxDelayMs: 5 },
  );
  const counters = { accepted: 0, rejected: 0, readings: 0 };

  const reject = (deviceId: string, reason: RejectReason, detail: string): IngestOutcome => {
    counters.rejected++;
    deps.rejects.count(deviceId, reason, detail, deps.now());
    return { outcome: 'rejected', reason, detail };
  };

  const publishSignals = (signals: RiskSignal[]) => {
    for (const signal of signals) {
      deps.bus.publish('risk.changed', signal).catch((error: unknown) => deps.onError(error, 'publish risk'));
    }
  };

  const identifyDevice = (topic: DeviceTopic): DeviceIdentity | RejectReason => {
    const device = deps.devices.get(topic.deviceId);
    if (!device || device.gridId !== topic.gridId) return 'bad_topic';
    return { deviceId: topic.deviceId, gridId: device.gridId, deviceType: device.type };
  };

  async function handleDeviceMessage(topic: DeviceTopic, payload: Buffer): Promise<IngestOutcome> {
    const device = identifyDevice(topic);
    if (typeof device === 'string')
      return reject(topic.deviceId, device, `unknown device or grid in ${topic.gridId}/${topic.deviceId}`);
    const now = deps.now();
    switch (topic.kind) {
      case 'telemetry': {
        const decoded = decodeTelemetry(payload, device, now);
        if (!decoded.ok) return reject(device.deviceId, decoded.reason, decoded.detail);
        await readings.add(decoded.value);
        counters.accepted++;
        counters.readings += decoded.value.length;
        deps.devices.touch(device.deviceId, now);
        publishSignals(decoded.value.flatMap((r) => deps.rules.evaluateReading(r)));
        return { outcome: 'accepted' };
      }
      case 'event': {
        const decoded = decodeEvent(payload, device, now);
        if (!decoded.ok) return reject(device.deviceId, decoded.reason, decoded.detail);
        await deps.store.writeEvents([decoded.value]);
        counters.accepted++;
        deps.devices.touch(device.deviceId, now);
        publishSignals(deps.rules.evaluateEvent(decoded.value));
        return { outcome: 'accepted' };
      }
      case 'status': {
        const decoded = decodeStatus(payload);
        if (!decoded.ok) return reject(device.deviceId, decoded.reason, decoded.detail);
        counters.accepted++;
        if (deps.devices.markOnline(device.deviceId, decoded.value === 'online', now)) {
          await deps.bus.publish('device.status_changed', {
            deviceId: device.deviceId,
            gridId: device.gridId,
            state: decoded.value,
            at: now,
          });
        }
        return { outcome: 'accepted' };
      }
      default: {
        const unreachable: never = topic.kind;
        return unreachable;
      }
    }
  }

  return {
    handleDeviceMessage,
    counters: () => ({ ...counters }),
    flush: () => readings.flush(),
  };
}
