import type { Bus, CaseActor, FusionGroup, Region, SuppressionRule } from '@gridsense/core';
import type { StateDb } from '@gridsense/state';
import type { Directory } from './directory';
import type { Notifier } from './notices';
import { loadCasePolicy, type CasePolicy } from './policy';

/** Everything the case modules share. */
export interface CaseContext {
  db: StateDb;
  bus: Bus;
  now: () => number;
  regions: () => Region[];
  directory: Directory;
  notifier: Notifier;
  returnLimit: number;
  fusionGroups: FusionGroup[];
  suppressionRules: SuppressionRule[];
}

/** The platform itself, as the actor of the moves and entries nobody made by hand. */
export const SYSTEM: CaseActor & { name: string } = { id: 'system', role: 'system', name: '系统 GridSense' };

/** The case rules as they stand now (categories, SLAs, calendar), read before each pass or move. */
export function loadPolicy(ctx: CaseContext): Promise<CasePolicy> {
  return loadCasePolicy(ctx.db, ctx.returnLimit);
}
