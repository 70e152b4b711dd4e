import { inScope } from '@gridsense/core';
import { optional, platformOf, type NodeInstance, type NodeRedApi } from './node-red-api';

interface CaseInConfig {
  regionId?: string;
  /** Comma-separated actions to pass (opened, accept, resolve, …); blank passes all. */
  actions?: string;
}

/** Case updates (opened, dispatched, accepted, resolved, …) with the case as the console sees it. */
export function registerCaseIn(RED: NodeRedApi): void {
  RED.nodes.registerType('gridsense-case-in', function (this: NodeInstance, config: CaseInConfig) {
    RED.nodes.createNode(this, config);
    const platform = platformOf(RED, this);
    if (!platform) return;
    const regionId = optional(config.regionId);
    const actions = (config.actions ?? '')
      .split(',')
      .map((a) => a.trim())
      .filter(Boolean);
    const stop = platform.onCaseChanged((change, view) => {
      if (actions.length > 0 && !actions.includes(change.action)) return;
      const subject = { deviceId: '', deviceType: '', lineage: platform.lineage(change.gridId) };
      if (regionId && !inScope({ regionIds: [regionId] }, subject)) return;
      this.send({ topic: change.caseId, action: change.action, payload: view ?? change });
    });
    this.status({
      fill: 'green',
      shape: 'dot',
      text: [regionId, ...actions].filter(Boolean).join(' · ') || '全部',
    });
    this.on('close', (done) => {
      stop();
      done();
    });
  });
}
