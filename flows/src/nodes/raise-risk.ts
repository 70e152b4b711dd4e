import {
  checkRaiseRiskConfig,
  inEnglish,
  newSettledState,
  parseRaisedRisk,
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
      this.status({ fill: 'red', shape: 'ring', text: inEnglish(problems).join('; ') });
      return;
    }
    const states = new Map<string, SettledState>();
    const { scenarioId, name, category, severity } = config;
    this.on('input', (msg, send, done) => {
      const parsed = parseRaisedRisk(msg.payload, config);
      if (!parsed.ok) return done(new Error(inEnglish(parsed.errors).join('; ')));
      const { deviceId } = parsed.risk;
      let state = states.get(deviceId);
      if (!state) states.set(deviceId, (state = newSettledState()));
      const before = { ...state, changes: [...state.changes] };
      const published = settleSeverity(state, parsed.risk.severity, platform.now());
      if (published === undefined) return done();
      // The platform checks the device and builds the signal; a refusal leaves the state as it was.
      const request = { config: { scenarioId, name, category, severity }, risk: parsed.risk };
      platform.raiseRisk({ ...request, previousSeverity: before.severity, severity: published }).then(
        (signal) => {
          this.status({
            fill: published ? 'red' : 'green',
            shape: 'dot',
            text: `${deviceId}: ${published ?? '已恢复'}`,
          });
          send({ ...msg, payload: signal });
          done();
        },
        (error: unknown) => {
          states.set(deviceId, before);
          done(error instanceof Error ? error : new Error(String(error)));
        },
      );
    });
  });
}
