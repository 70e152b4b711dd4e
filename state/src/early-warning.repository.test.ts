import type { DetectedWarning } from '@gridsense/core/early-warning';
import { afterEach, describe, expect, it } from 'vitest';
import type { StateDb } from './database';
import {
  acknowledgeWarning,
  claimWarningForCase,
  claimWarningPass,
  getWarning,
  linkWarningCase,
  listWarnings,
  releaseWarningClaim,
  saveDetectedWarnings,
} from './early-warning.repository';
import { openTestStateDb, openTestStateDbAgain, stateDialects } from './testing/state-db-fixture';

const NOW = Date.UTC(2026, 2, 4, 4);
const surge = (over: Partial<DetectedWarning> = {}): DetectedWarning => ({
  kind: 'surge',
  regionId: 'c1',
  category: 'fire_safety',
  place: '',
  period: 'W2026-03-02',
  detectedAt: NOW,
  evidence: {
    observed: 12,
    windowDays: 7,
    baseline: 4,
    baselineWindows: 8,
    pValue: 0.0009,
    caseIds: ['a', 'b'],
  },
  ...over,
});

const open: StateDb[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.destroy();
});

describe.each(stateDialects())('early warnings on %s', (dialect) => {
  async function fresh(): Promise<StateDb> {
    const db = await openTestStateDb(dialect);
    open.push(db);
    return db;
  }

  it('stores a warning once per key; a rerun adds nothing and refreshes the evidence while open', async () => {
    const db = await fresh();
    const first = await saveDetectedWarnings(db, [surge(), surge({ regionId: 's1' })]);
    expect(first.map((w) => [w.regionId, w.state])).toEqual([
      ['c1', 'open'],
      ['s1', 'open'],
    ]);
    const more = {
      observed: 13,
      windowDays: 7,
      baseline: 4,
      baselineWindows: 8,
      pValue: 0.0003,
      caseIds: ['a', 'b', 'c'],
    };
    expect(await saveDetectedWarnings(db, [surge({ detectedAt: NOW + 3_600_000, evidence: more })])).toEqual(
      [],
    );
    const listed = await listWarnings(db);
    expect(listed).toHaveLength(2);
    const c1 = listed.find((w) => w.regionId === 'c1')!;
    expect(c1.evidence).toEqual(more);
    expect(c1.detectedAt).toBe(NOW);
    // Another period is another warning.
    expect(await saveDetectedWarnings(db, [surge({ period: 'W2026-03-09' })])).toHaveLength(1);
  });

  it('open → acknowledged with who, when and a note; only once', async () => {
    const db = await fresh();
    const [w] = await saveDetectedWarnings(db, [surge()]);
    expect(
      await acknowledgeWarning(db, w!.id, { personId: 'u-op', note: '已知：消防演练', at: NOW + 5 }),
    ).toBe(true);
    expect(await acknowledgeWarning(db, w!.id, { personId: 'u-other', note: null, at: NOW + 6 })).toBe(false);
    expect(await claimWarningForCase(db, w!.id, { personId: 'u-op', at: NOW + 7 })).toBe(false);
    const stored = await getWarning(db, w!.id);
    expect(stored).toMatchObject({
      state: 'acknowledged',
      acknowledgedById: 'u-op',
      acknowledgedAt: NOW + 5,
      note: '已知：消防演练',
    });
    // An acknowledged warning keeps the evidence it was acknowledged on.
    await saveDetectedWarnings(db, [surge({ evidence: { observed: 20, windowDays: 7, caseIds: [] } })]);
    expect((await getWarning(db, w!.id))!.evidence.observed).toBe(12);
  });

  it('open → case opened: claimed once, linked to the case, released when the case fails', async () => {
    const db = await fresh();
    const [a, b] = await saveDetectedWarnings(db, [surge(), surge({ regionId: 's1' })]);
    expect(await claimWarningForCase(db, a!.id, { personId: 'u-op', at: NOW + 1 })).toBe(true);
    expect(await claimWarningForCase(db, a!.id, { personId: 'u-sup', at: NOW + 2 })).toBe(false);
    await linkWarningCase(db, a!.id, 'case-77');
    expect(await getWarning(db, a!.id)).toMatchObject({
      state: 'case_opened',
      caseId: 'case-77',
      caseOpenedById: 'u-op',
    });

    expect(await claimWarningForCase(db, b!.id, { personId: 'u-op', at: NOW + 3 })).toBe(true);
    await releaseWarningClaim(db, b!.id, NOW + 4);
    expect(await getWarning(db, b!.id)).toMatchObject({ state: 'open', caseId: null, caseOpenedById: null });
  });

  it('lists by state, region scope and period, newest first', async () => {
    const db = await fresh();
    const [a, b] = await saveDetectedWarnings(db, [
      surge({ regionId: 'c1' }),
      surge({ regionId: 'c2', detectedAt: NOW + 10 }),
      surge({ regionId: 's1', detectedAt: NOW + 20 }),
    ]);
    await acknowledgeWarning(db, a!.id, { personId: 'u-op', note: null, at: NOW + 30 });
    const ids = (ws: { regionId: string }[]) => ws.map((w) => w.regionId);
    expect(ids(await listWarnings(db))).toEqual(['s1', 'c2', 'c1']);
    expect(ids(await listWarnings(db, { states: ['open'] }))).toEqual(['s1', 'c2']);
    expect(ids(await listWarnings(db, { regionIds: ['c1', 'c2'] }))).toEqual(['c2', 'c1']);
    expect(await listWarnings(db, { regionIds: [] })).toEqual([]);
    expect(ids(await listWarnings(db, { detectedFrom: NOW + 5, detectedTo: NOW + 20 }))).toEqual(['c2']);
    expect(b!.id).not.toBe(a!.id);
  });

  it('of two processes claiming one pass slot, exactly one gets it', async () => {
    const db = await fresh();
    const other = dialect === 'postgres' ? await openTestStateDbAgain(db, dialect) : db;
    if (other !== db) open.push(other);
    const claims = await Promise.all([
      claimWarningPass(db, NOW, 'alerts-1', NOW),
      claimWarningPass(other, NOW, 'alerts-2', NOW),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimWarningPass(db, NOW + 3_600_000, 'alerts-1', NOW)).toBe(true);
  });
});
