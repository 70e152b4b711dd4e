import {
  isOverdue,
  regionLineage,
  severityRank,
  withDeviceReport,
  type OverviewView,
  type RegionView,
  type Severity,
} from '@gridsense/core';
import type { Router } from 'express';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

const RISK_BY_RANK = ['green', 'green', 'yellow', 'red'] as const;

/**
 * The map's data: the caller's regions coloured by the risks active in them now, with their open
 * and overdue cases counted apart, and their devices.
 */
export function overviewRoutes(deps: WebDeps): Router {
  const router = declaredRouter();

  router.get('/api/overview', async (request, response) => {
    const user = currentUser(request);
    const grids = new Set(await deps.cases.visibleGrids(user));
    const allRegions = deps.cases.regions();
    const visible = new Map(
      [...grids].flatMap((gridId) => regionLineage(allRegions, gridId)).map((region) => [region.id, region]),
    );
    const openCases = await deps.cases.list(user, { openOnly: true });
    const now = deps.now();
    const stats = new Map<string, { open: number; overdue: number; worst: Severity | null }>();
    for (const item of openCases) {
      const overdue = isOverdue(item, now);
      for (const region of regionLineage(allRegions, item.gridId)) {
        const s = stats.get(region.id) ?? { open: 0, overdue: 0, worst: null };
        s.open++;
        if (overdue) s.overdue++;
        if (item.riskActive && severityRank(item.severity) > severityRank(s.worst)) s.worst = item.severity;
        stats.set(region.id, s);
      }
    }
    const regions: RegionView[] = [...visible.values()].map((region) => {
      const s = stats.get(region.id);
      return {
        ...region,
        openCases: s?.open ?? 0,
        overdueCases: s?.overdue ?? 0,
        risk: RISK_BY_RANK[severityRank(s?.worst ?? null)]!,
      };
    });
    const devices = deps.registry.all().filter((d) => grids.has(d.gridId));
    const latest = await deps.store.latestForDevices(devices.map((d) => d.id));
    const view: OverviewView = {
      regions,
      devices: devices.map(({ secretHash: _secret, ...device }) => ({
        ...withDeviceReport(device, now),
        latest: latest.get(device.id) ?? {},
      })),
      baseMap: deps.baseMap ?? null,
    };
    response.json(view);
  });

  return router;
}
