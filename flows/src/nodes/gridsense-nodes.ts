import { registerCaseIn } from './case-in';
import { registerEventIn } from './event-in';
import type { NodeRedApi } from './node-red-api';
import { registerRaiseRisk } from './raise-risk';
import { registerTelemetryIn } from './telemetry-in';

/** The GridSense palette, compiled to CommonJS by build-nodes.ts for Node-RED to require. */
export default function registerGridSenseNodes(RED: NodeRedApi): void {
  registerTelemetryIn(RED);
  registerEventIn(RED);
  registerRaiseRisk(RED);
  registerCaseIn(RED);
}
