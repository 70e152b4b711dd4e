import { inScope, numericValue, type Reading, type RuleScope } from '@gridsense/core';
import { optional, platformOf, type NodeInstance, type NodeRedApi } from './node-red-api';

interface TelemetryInConfig {
  regionId?: string;
  deviceType?: string;
  metric?: string;
}

/** Accepted readings, filtered by region (grid or any region above it), device type and metric. */
export function registerTelemetryIn(RED: NodeRedApi): void {
  RED.nodes.registerType('gridsense-telemetry-in', function (this: NodeInstance, config: TelemetryInConfig) {
    RED.nodes.createNode(this, config);
    const platform = platformOf(RED, this);
    if (!platform) return;
    const regionId = optional(config.regionId);
    const deviceType = optional(config.deviceType);
    const metric = optional(config.metric);
    const scope: RuleScope = {};
    if (regionId) scope.regionIds = [regionId];
    if (deviceType) scope.deviceTypes = [deviceType];
    const stop = platform.onTelemetry((reading: Reading) => {
      if (metric !== undefined && !(metric in reading.metrics)) return;
      const subject = {
        deviceId: reading.deviceId,
        deviceType: reading.deviceType,
        lineage: platform.lineage(reading.gridId),
      };
      if (!inScope(scope, subject)) return;
      const payload: Record<string, unknown> = { ...reading };
      if (metric !== undefined) {
        payload.metric = metric;
        payload.value = numericValue(reading.metrics[metric]);
      }
      this.send({ topic: `${reading.gridId}/${reading.deviceId}`, payload });
    });
    this.status({
      fill: 'green',
      shape: 'dot',
      text: [regionId, deviceType, metric].filter(Boolean).join(' · ') || '全部',
    });
    this.on('close', (done) => {
      stop();
      done();
    });
  });
}
