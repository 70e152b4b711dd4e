import type { Bus } from '@gridsense/core';
import type { StateDb } from '@gridsense/state';
import { createCaseService, type CaseService } from './case-service';

/** The alerts service: risks from the bus become cases. */
export async function createAlerts(deps: {
  db: StateDb;
  bus: Bus;
  now?: () => number;
  onError: (error: unknown, context: string) => void;
}): Promise<{ cases: CaseService }> {
  const cases = await createCaseService(deps);
  await deps.bus.subscribe('risk.changed', (signal) =>
    cases
      .handleRisk(signal)
      .catch((error: unknown) => deps.onError(error, `case for risk ${signal.ruleId}/${signal.deviceId}`)),
  );
  return { cases };
}
