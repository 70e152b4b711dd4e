import {
  checkRaiseRiskConfig,
  newSettledState,
  parseRaisedRisk,
  scenarioSignal,
  settleSeverity,
  type RaiseRiskConfig,
  type SettledState,
} from '@gridsense/core';
import { platformOf, type NodeInstance, type NodeRedApi } from './node-red-api';

/**
 * Raises (or, with `severity: null`, resolves) a risk on a device: the same signal built-in rules
 * emit, so it becomes a case routed to the grid's worker with deadlines. Changes only, with the
 * same flapping suppression as rules; repeats of the current severity are dropped.
 */
export function registerRaiseRisk(RED: NodeRedApi): void {
  RED.nodes.registerType('gridsense-raise-risk', function (this: NodeInstance, config: RaiseRiskConfig) {
    RED.nodes.createNode(this, config);
    const platform = platformOf(RED, this);
    if (!platform) return;
    const problems = checkRaiseRiskConfig(config);
    if (problems.length > 0) {
      this.status({ fill: 'red', shape: 'ring', text: problems.join('; ') });
      return;
    }
    const states = new Map<string, SettledState>();
    this.on('input', (msg, send, done) => {
      const parsed = parseRaisedRisk(msg.payload, config);
      if (!parsed.ok) return done(new Error(parsed.errors.join('; ')));
      const device = platform.device(parsed.risk.deviceId);
      if (!device) return done(new Error(`unknown device ${parsed.risk.deviceId}`));
      const now = platform.now();
      let state = states.get(device.deviceId);
      if (!state) states.set(device.deviceId, (state = newSettledState()));
      const previous = state.severity;
      const published = settleSeverity(state, parsed.risk.severity, now);
      if (published === undefined) return done();
      const signal = scenarioSignal(config, device, { ...parsed.risk, severity: published }, previous, now);
      platform.raiseRisk(signal).then(
        () => {
          this.status({
            fill: published ? 'red' : 'green',
            shape: 'dot',
            text: `${device.deviceId}: ${published ?? '已恢复'}`,
          });
          send({ ...msg, payload: signal });
          done();
        },
        (error: unknown) => done(error instanceof Error ? error : new Error(String(error))),
      );
    });
  });
}
