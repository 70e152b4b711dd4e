import { inScope, matchesEventRule, type DeviceEvent, type RuleScope } from '@gridsense/core';
import { optional, platformOf, type NodeInstance, type NodeRedApi } from './node-red-api';

interface EventInConfig {
  regionId?: string;
  eventType?: string;
  minConfidence?: string | number;
}

/** Accepted camera / AI events, filtered by region, type and minimum confidence. */
export function registerEventIn(RED: NodeRedApi): void {
  RED.nodes.registerType('gridsense-event-in', function (this: NodeInstance, config: EventInConfig) {
    RED.nodes.createNode(this, config);
    const platform = platformOf(RED, this);
    if (!platform) return;
    const regionId = optional(config.regionId);
    const eventType = optional(config.eventType);
    const minConfidence = Number(config.minConfidence ?? 0) || 0;
    const scope: RuleScope = regionId ? { regionIds: [regionId] } : {};
    const stop = platform.onEvent((event: DeviceEvent) => {
      if (!matchesEventRule({ eventType: eventType ?? event.type, minConfidence }, event)) return;
      const subject = {
        deviceId: event.deviceId,
        deviceType: event.deviceType,
        lineage: platform.lineage(event.gridId),
      };
      if (!inScope(scope, subject)) return;
      this.send({ topic: `${event.gridId}/${event.deviceId}`, payload: event });
    });
    this.status({
      fill: 'green',
      shape: 'dot',
      text: [regionId, eventType].filter(Boolean).join(' · ') || '全部',
    });
    this.on('close', (done) => {
      stop();
      done();
    });
  });
}
