import type { PolygonGeometry, Region } from '@gridsense/core';
import { writeAudited } from './audited-change';
import type { AuditActor } from './case-config.repository';
import type { StateDb } from './database';
import { insertRegions } from './region.repository';

/** Administrators' changes to the region hierarchy, each with its audit entry. */

export async function createRegion(db: StateDb, region: Region, actor: AuditActor, now: number) {
  await writeAudited(
    db,
    actor,
    now,
    { action: 'admin.region_created', entityType: 'region', entityId: region.id, data: region },
    (tx) => insertRegions(tx, [region]),
  );
}

/** The previous boundary goes into the audit entry, so an import can be traced and undone by hand. */
export async function setRegionBoundary(
  db: StateDb,
  regionId: string,
  boundary: PolygonGeometry,
  previous: PolygonGeometry | null,
  actor: AuditActor,
  now: number,
): Promise<void> {
  await writeAudited(
    db,
    actor,
    now,
    {
      action: 'admin.region_boundary_set',
      entityType: 'region',
      entityId: regionId,
      data: { boundary, previous },
    },
    (tx) =>
      tx
        .updateTable('regions')
        .set({ boundary: JSON.stringify(boundary) })
        .where('id', '=', regionId)
        .execute(),
  );
}
