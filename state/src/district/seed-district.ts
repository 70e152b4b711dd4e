import type { Region } from '@gridsense/core';
import { appendAudit } from '../audit.repository';
import type { StateDb } from '../database';
import { insertRegions, listRegions } from '../region.repository';
import { getSetting, setSetting } from '../settings.repository';
import { seedStandardCaseConfig } from './standard-case-config';

/** The root region of a production district; streets, communities and grids go under it. */
export const DISTRICT_ROOT_ID = 'D01';

/**
 * A production start's first seed: the district's root region and the standard case
 * configuration, no people, devices or rules (an administrator creates those, the first one with
 * `npm run admin:create`). Returns undefined when this data dir was already seeded, as a
 * production district or as the demo.
 */
export async function seedProductionDistrict(
  db: StateDb,
  options: { now: number; districtName: string },
): Promise<Region | undefined> {
  if (await districtAlreadySeeded(db)) return undefined;
  const root: Region = {
    id: DISTRICT_ROOT_ID,
    level: 'district',
    parentId: null,
    name: options.districtName,
    boundary: null,
  };
  await db.transaction().execute(async (tx) => {
    await insertRegions(tx, [root]);
    const counts = await seedStandardCaseConfig(tx);
    await setSetting(tx, 'district_seeded_at', String(options.now));
    await appendAudit(tx, [
      {
        at: options.now,
        actorId: 'system',
        actorName: '系统 GridSense',
        action: 'admin.district_seeded',
        entityType: 'region',
        entityId: root.id,
        data: { name: root.name, ...counts },
      },
    ]);
  });
  return root;
}

/** True once either seed ran: a production district never gets the demo, nor the demo a second root. */
export async function districtAlreadySeeded(db: StateDb): Promise<boolean> {
  return (
    (await getSetting(db, 'district_seeded_at')) !== undefined ||
    (await getSetting(db, 'demo_seeded_at')) !== undefined
  );
}

/** The district's root region (the one region without a parent), if seeded. */
export async function findDistrictRoot(db: StateDb): Promise<Region | undefined> {
  return (await listRegions(db)).find((region) => region.parentId === null);
}
