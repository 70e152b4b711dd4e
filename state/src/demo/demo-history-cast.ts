import type { CaseActor, Region } from '@gridsense/core';
import { DEMO_DEPARTMENTS, demoCaseUsers } from './demo-cases';
import type { DemoDevice, DemoDistrict } from './demo-district';

/** Someone who acts in the demo's history: an id and role for `transition`, a name for the timeline. */
export type HistoryActor = CaseActor & { name: string };

export const SYSTEM_ACTOR: HistoryActor = { id: 'system', role: 'system', name: '系统 GridSense' };

/** A grid of the demo with the people and devices its cases involve. */
export interface HistoryGrid {
  id: string;
  name: string;
  communityId: string;
  streetId: string;
  /** Bounding box of its boundary (lng west/east, lat south/north), for case locations. */
  box: { west: number; east: number; south: number; north: number };
  primary: HistoryActor;
  backup: HistoryActor;
  devices: DemoDevice[];
}

/** Who plays which part in the generated history: desks, supervisors, departments and grids. */
export interface HistoryCast {
  operators: HistoryActor[];
  communitySupervisor: Record<string, HistoryActor>;
  streetSupervisor: Record<string, HistoryActor>;
  departmentLead: Record<string, HistoryActor & { departmentId: string }>;
  grids: HistoryGrid[];
}

function boxOf(region: Region): HistoryGrid['box'] {
  const ring = region.boundary?.type === 'Polygon' ? region.boundary.coordinates[0] : undefined;
  const lngs = (ring ?? [[0, 0]]).map((p) => p[0]!);
  const lats = (ring ?? [[0, 0]]).map((p) => p[1]!);
  return {
    west: Math.min(...lngs),
    east: Math.max(...lngs),
    south: Math.min(...lats),
    north: Math.max(...lats),
  };
}

/** Reads the cast from the demo district itself, so the history names the people it seeded. */
export function historyCast(district: DemoDistrict): HistoryCast {
  const actor = (id: string): HistoryActor => {
    const user = district.users.find((u) => u.id === id);
    if (!user) throw new Error(`demo history: no demo user ${id}`);
    return { id: user.id, role: user.role, name: user.displayName };
  };
  const byRegion = (role: string) =>
    Object.fromEntries(
      district.users.filter((u) => u.role === role).map((u) => [u.regionId, actor(u.id)] as const),
    );
  const parentOf = (id: string) => district.regions.find((r) => r.id === id)?.parentId ?? '';
  const departmentLead: HistoryCast['departmentLead'] = {};
  for (const department of DEMO_DEPARTMENTS) {
    const lead = demoCaseUsers().find(
      (u) => u.departmentId === department.id && u.departmentDuty === 'primary',
    );
    if (lead) departmentLead[department.id] = { ...actor(lead.id), departmentId: department.id };
  }
  const supervisors = byRegion('supervisor');
  return {
    operators: district.users.filter((u) => u.role === 'operator').map((u) => actor(u.id)),
    communitySupervisor: Object.fromEntries(
      Object.entries(supervisors).filter(([regionId]) => regionId.startsWith('C')),
    ),
    streetSupervisor: Object.fromEntries(
      Object.entries(supervisors).filter(([regionId]) => regionId.startsWith('S')),
    ),
    departmentLead,
    grids: district.regions
      .filter((r) => r.level === 'grid')
      .map((grid) => {
        const duty = (kind: 'primary' | 'backup') => {
          const user = district.users.find((u) =>
            u.duties.some((d) => d.gridId === grid.id && d.duty === kind),
          );
          if (!user) throw new Error(`demo history: grid ${grid.id} has no ${kind} worker`);
          return actor(user.id);
        };
        const communityId = grid.parentId ?? '';
        return {
          id: grid.id,
          name: grid.name,
          communityId,
          streetId: parentOf(communityId),
          box: boxOf(grid),
          primary: duty('primary'),
          backup: duty('backup'),
          devices: district.devices.filter((d) => d.gridId === grid.id),
        };
      }),
  };
}
