import { DEFAULT_FUSION_CONFIG, type FusionConfig } from '@gridsense/core';
import { audited, type AuditActor } from './case-config.repository';
import type { StateDb } from './database';
import { getSetting, setSetting } from './settings.repository';

const KEY = 'case_fusion';

/** The fusion groups and suppression rules an administrator set; the defaults until then. */
export async function getFusionConfig(db: StateDb): Promise<FusionConfig> {
  const stored = await getSetting(db, KEY);
  return stored ? (JSON.parse(stored) as FusionConfig) : DEFAULT_FUSION_CONFIG;
}

export async function setFusionConfig(db: StateDb, config: FusionConfig, actor: AuditActor, now: number) {
  await audited(
    db,
    actor,
    now,
    { action: 'admin.fusion_set', entityType: 'fusion', entityId: KEY, data: config },
    (tx) => setSetting(tx, KEY, JSON.stringify(config)),
  );
}
