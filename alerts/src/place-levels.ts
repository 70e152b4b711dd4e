import {
  assessPlaceRisk,
  DEFAULT_PLACE_RISK_RULES,
  type PlaceRiskAssessment,
  type PlaceEvidence,
  type PlaceRiskRules,
} from '@gridsense/core';
import {
  countDeviceEvidence,
  countInspectionEvidence,
  loadPlaceRiskRules,
  type PlaceRecord,
  type StateDb,
} from '@gridsense/state';

const DAY_MS = 86_400_000;

/** The rules an administrator tuned, or the defaults. */
export async function placeRiskRules(db: StateDb): Promise<PlaceRiskRules> {
  return (await loadPlaceRiskRules(db)) ?? DEFAULT_PLACE_RISK_RULES;
}

/**
 * The level of each place now, from the evidence of its window: its devices' alerts and cases,
 * its missed and failed inspections. A few queries for all the places, not a few per place.
 */
export async function assessPlaces(
  db: StateDb,
  places: readonly PlaceRecord[],
  rules: PlaceRiskRules,
  now: number,
): Promise<Map<string, PlaceRiskAssessment>> {
  const from = now - rules.windowDays * DAY_MS;
  const [devices, inspections] = await Promise.all([
    countDeviceEvidence(
      db,
      places.flatMap((p) => p.deviceIds),
      from,
    ),
    countInspectionEvidence(
      db,
      places.map((p) => p.id),
      from,
      now,
    ),
  ]);
  const assessments = new Map<string, PlaceRiskAssessment>();
  for (const place of places) {
    const evidence: PlaceEvidence = {
      alerts: {},
      cases: 0,
      missedInspections: inspections.get(place.id)?.missed ?? 0,
      failedInspections: inspections.get(place.id)?.failed ?? 0,
    };
    for (const deviceId of place.deviceIds) {
      for (const [category, count] of Object.entries(devices.alerts.get(deviceId) ?? {}))
        evidence.alerts[category] = (evidence.alerts[category] ?? 0) + count;
      evidence.cases += devices.cases.get(deviceId) ?? 0;
    }
    assessments.set(place.id, assessPlaceRisk(evidence, rules, place.baseLevel));
  }
  return assessments;
}
