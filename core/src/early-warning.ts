import type { Region } from './model';

/**
 * Early warning (预警) over case history: three pure detectors with "now" passed in. Each warning
 * carries its evidence (counts, baseline, p-value, case ids) and a key
 * (kind, region, category, place, period) under which the state DB stores it once, so a rerun of
 * the pass adds nothing new. The statistics are the contract (docs/decisions/0019-early-warning.md):
 *
 * - new category: a case of category C in community R during the last `newWindowDays`, when R had
 *   no case of C in the `newLookbackDays` before that window, but did have other cases then (a
 *   community without history says nothing about "new").
 * - surge: in region R (community or street), X = cases of C in the last `surgeWindowDays`;
 *   baseline λ = cases of C in the `surgeBaselineWindows` windows of the same length before it ÷
 *   `surgeBaselineWindows`, floored at 1 ÷ `surgeBaselineWindows` (an empty baseline counts as one
 *   case). Alarm when X ≥ `surgeMinCount` and the one-sided Poisson tail
 *   p = P(X' ≥ X | X' ~ Poisson(λ)) < `surgeAlpha`.
 * - recurrence: ≥ `recurrenceMinCount` cases of C in the last `recurrenceWindowDays` at one place:
 *   the same address (trimmed, case and inner spaces ignored) or within `recurrenceRadiusM` metres
 *   of a seed case (taken in time order; a case joins at most one such warning).
 */
export interface EarlyWarningSettings {
  newLookbackDays: number;
  newWindowDays: number;
  surgeWindowDays: number;
  surgeBaselineWindows: number;
  surgeAlpha: number;
  surgeMinCount: number;
  recurrenceWindowDays: number;
  recurrenceRadiusM: number;
  recurrenceMinCount: number;
}

export const EARLY_WARNING_DEFAULTS: EarlyWarningSettings = {
  newLookbackDays: 180,
  newWindowDays: 7,
  surgeWindowDays: 7,
  surgeBaselineWindows: 8,
  surgeAlpha: 0.01,
  surgeMinCount: 5,
  recurrenceWindowDays: 30,
  recurrenceRadiusM: 50,
  recurrenceMinCount: 3,
};

/** How far back the detectors look: what the pass must load. */
export function earlyWarningHistoryMs(settings: EarlyWarningSettings = EARLY_WARNING_DEFAULTS): number {
  return (
    Math.max(
      settings.newLookbackDays + settings.newWindowDays,
      settings.surgeWindowDays * (settings.surgeBaselineWindows + 1),
      settings.recurrenceWindowDays,
    ) * DAY_MS
  );
}

export const WARNING_KINDS = ['new_category', 'surge', 'recurrence'] as const;
export type WarningKind = (typeof WARNING_KINDS)[number];

export const WARNING_STATES = ['open', 'acknowledged', 'case_opened'] as const;
export type WarningState = (typeof WARNING_STATES)[number];

/** What a detector needs of a case. */
export interface WarningCase {
  id: string;
  category: string;
  gridId: string;
  openedAt: number;
  location: { lat: number; lng: number } | null;
  address: string | null;
}

export interface WarningEvidence {
  /** Cases counted in the window. */
  observed: number;
  windowDays: number;
  /** Surge: the baseline mean per window (λ) and how many windows it spans. */
  baseline?: number;
  baselineWindows?: number;
  /** Surge: P(X ≥ observed | Poisson(baseline)). */
  pValue?: number;
  /** New category: the days looked back without one. */
  lookbackDays?: number;
  /** Recurrence: the address or the point and radius that make one place. */
  address?: string | null;
  location?: { lat: number; lng: number } | null;
  radiusM?: number;
  caseIds: string[];
}

export interface DetectedWarning {
  kind: WarningKind;
  regionId: string;
  category: string;
  /** Recurrence: the place key; '' for the others. */
  place: string;
  /** Local (UTC+8) day or week the warning belongs to; with the rest it makes the key. */
  period: string;
  detectedAt: number;
  evidence: WarningEvidence;
}

const DAY_MS = 86_400_000;
const LOCAL_OFFSET_MS = 8 * 3_600_000;
const localDay = (at: number) => new Date(at + LOCAL_OFFSET_MS).toISOString().slice(0, 10);

/** The local (UTC+8) Monday starting the week of `at`, e.g. `W2026-03-02`. */
function localWeek(at: number): string {
  const local = new Date(at + LOCAL_OFFSET_MS);
  const sinceMonday = (local.getUTCDay() + 6) % 7;
  return `W${new Date(at + LOCAL_OFFSET_MS - sinceMonday * DAY_MS).toISOString().slice(0, 10)}`;
}

/**
 * P(X ≥ k) for X ~ Poisson(λ). Above the mean it sums the tail itself (terms in log space), so
 * tiny p-values keep their precision; at or below the mean it is 1 − P(X < k).
 */
export function poissonUpperTail(k: number, lambda: number): number {
  if (k <= 0) return 1;
  if (lambda <= 0) return 0;
  const logTerm = (i: number) => -lambda + i * Math.log(lambda) - logFactorial(i);
  if (k <= lambda) {
    let below = 0;
    for (let i = 0; i < k; i++) below += Math.exp(logTerm(i));
    return Math.min(1, Math.max(0, 1 - below));
  }
  let tail = 0;
  for (let i = k; ; i++) {
    const term = Math.exp(logTerm(i));
    tail += term;
    if (term < tail * 1e-15 || i > k + 10_000) break;
  }
  return Math.min(1, tail);
}

function logFactorial(n: number): number {
  let sum = 0;
  for (let i = 2; i <= n; i++) sum += Math.log(i);
  return sum;
}

/** Great-circle distance in metres. */
export function distanceM(a: { lat: number; lng: number }, b: { lat: number; lng: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLng = (b.lng - a.lng) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLng / 2) ** 2;
  return 2 * 6_371_000 * Math.asin(Math.sqrt(h));
}

/** Each grid's community and street (the ancestors at those levels). */
function ancestorsByGrid(regions: readonly Region[]): Map<string, { community?: string; street?: string }> {
  const byId = new Map(regions.map((r) => [r.id, r]));
  const result = new Map<string, { community?: string; street?: string }>();
  for (const region of regions) {
    if (region.level !== 'grid') continue;
    const found: { community?: string; street?: string } = {};
    for (let at = byId.get(region.parentId ?? ''); at; at = byId.get(at.parentId ?? '')) {
      if (at.level === 'community') found.community = at.id;
      if (at.level === 'street') found.street = at.id;
    }
    result.set(region.id, found);
  }
  return result;
}

function groupBy<T>(items: readonly T[], key: (item: T) => string | undefined): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

const byOpened = (a: WarningCase, b: WarningCase) => a.openedAt - b.openedAt || a.id.localeCompare(b.id);

/** New category in a community. */
export function detectNewCategories(
  cases: readonly WarningCase[],
  regions: readonly Region[],
  now: number,
  settings: EarlyWarningSettings = EARLY_WARNING_DEFAULTS,
): DetectedWarning[] {
  const ancestors = ancestorsByGrid(regions);
  const windowStart = now - settings.newWindowDays * DAY_MS;
  const lookbackStart = windowStart - settings.newLookbackDays * DAY_MS;
  const warnings: DetectedWarning[] = [];
  const byCommunity = groupBy(cases, (c) => ancestors.get(c.gridId)?.community);
  for (const [community, inCommunity] of byCommunity) {
    const before = inCommunity.filter((c) => c.openedAt >= lookbackStart && c.openedAt < windowStart);
    if (before.length === 0) continue;
    const seen = new Set(before.map((c) => c.category));
    const recent = inCommunity.filter(
      (c) => c.openedAt >= windowStart && c.openedAt < now && !seen.has(c.category),
    );
    for (const [category, found] of groupBy(recent, (c) => c.category)) {
      found.sort(byOpened);
      warnings.push({
        kind: 'new_category',
        regionId: community,
        category,
        place: '',
        period: localDay(found[0]!.openedAt),
        detectedAt: now,
        evidence: {
          observed: found.length,
          windowDays: settings.newWindowDays,
          lookbackDays: settings.newLookbackDays,
          caseIds: found.map((c) => c.id),
        },
      });
    }
  }
  return warnings;
}

/** A category's count in a community or street well above its own baseline (Poisson tail). */
export function detectSurges(
  cases: readonly WarningCase[],
  regions: readonly Region[],
  now: number,
  settings: EarlyWarningSettings = EARLY_WARNING_DEFAULTS,
): DetectedWarning[] {
  const ancestors = ancestorsByGrid(regions);
  const windowMs = settings.surgeWindowDays * DAY_MS;
  const windowStart = now - windowMs;
  const baselineStart = windowStart - settings.surgeBaselineWindows * windowMs;
  const warnings: DetectedWarning[] = [];
  for (const level of ['community', 'street'] as const) {
    const groups = groupBy(cases, (c) => {
      const region = ancestors.get(c.gridId)?.[level];
      return region === undefined ? undefined : `${region}\u0000${c.category}`;
    });
    for (const [key, group] of groups) {
      const [regionId, category] = key.split('\u0000') as [string, string];
      const recent = group.filter((c) => c.openedAt >= windowStart && c.openedAt < now).sort(byOpened);
      if (recent.length < settings.surgeMinCount) continue;
      const baselineCount = group.filter(
        (c) => c.openedAt >= baselineStart && c.openedAt < windowStart,
      ).length;
      const lambda = Math.max(baselineCount, 1) / settings.surgeBaselineWindows;
      const pValue = poissonUpperTail(recent.length, lambda);
      if (pValue >= settings.surgeAlpha) continue;
      warnings.push({
        kind: 'surge',
        regionId,
        category,
        place: '',
        period: localWeek(now),
        detectedAt: now,
        evidence: {
          observed: recent.length,
          windowDays: settings.surgeWindowDays,
          baseline: lambda,
          baselineWindows: settings.surgeBaselineWindows,
          pValue,
          caseIds: recent.map((c) => c.id),
        },
      });
    }
  }
  return warnings;
}

const normalAddress = (address: string | null) =>
  address === null ? '' : address.trim().toLowerCase().replace(/\s+/g, '');

/** The longest place key stored as it is (the column holds 300); a longer address is keyed by its hash. */
const PLACE_KEY_MAX = 200;

/** An address as a place key: itself, or when too long its head and a hash of the whole. */
function addressKey(address: string): string {
  const key = `addr:${address}`;
  if (key.length <= PLACE_KEY_MAX) return key;
  // FNV-1a, twice with different seeds: 64 bits, so two long addresses do not collide in practice.
  const fnv = (seed: number) => {
    let hash = seed;
    for (let i = 0; i < address.length; i++) hash = Math.imul(hash ^ address.charCodeAt(i), 16777619) >>> 0;
    return hash.toString(16).padStart(8, '0');
  };
  return `${key.slice(0, PLACE_KEY_MAX - 18)}#${fnv(2166136261)}${fnv(374761393)}`;
}

/** The same category at the same place, again and again. */
export function detectRecurrences(
  cases: readonly WarningCase[],
  now: number,
  settings: EarlyWarningSettings = EARLY_WARNING_DEFAULTS,
): DetectedWarning[] {
  const windowStart = now - settings.recurrenceWindowDays * DAY_MS;
  const recent = cases.filter((c) => c.openedAt >= windowStart && c.openedAt < now).sort(byOpened);
  const warnings: DetectedWarning[] = [];
  for (const [category, group] of groupBy(recent, (c) => c.category)) {
    const taken = new Set<string>();
    for (const seed of group) {
      if (taken.has(seed.id)) continue;
      const address = normalAddress(seed.address);
      const samePlace = group.filter(
        (c) =>
          !taken.has(c.id) &&
          ((address !== '' && normalAddress(c.address) === address) ||
            (seed.location !== null &&
              c.location !== null &&
              distanceM(seed.location, c.location) <= settings.recurrenceRadiusM)),
      );
      if (samePlace.length < settings.recurrenceMinCount) continue;
      for (const c of samePlace) taken.add(c.id);
      const place =
        address !== ''
          ? addressKey(address)
          : `at:${seed.location!.lat.toFixed(4)},${seed.location!.lng.toFixed(4)}`;
      warnings.push({
        kind: 'recurrence',
        regionId: seed.gridId,
        category,
        place,
        // The day the count reached the threshold: a rerun finds the same cases and the same day.
        period: localDay(samePlace[settings.recurrenceMinCount - 1]!.openedAt),
        detectedAt: now,
        evidence: {
          observed: samePlace.length,
          windowDays: settings.recurrenceWindowDays,
          address: seed.address,
          location: seed.location,
          radiusM: settings.recurrenceRadiusM,
          caseIds: samePlace.map((c) => c.id),
        },
      });
    }
  }
  return warnings;
}

/** All three detectors over one history. */
export function detectEarlyWarnings(
  cases: readonly WarningCase[],
  regions: readonly Region[],
  now: number,
  settings: EarlyWarningSettings = EARLY_WARNING_DEFAULTS,
): DetectedWarning[] {
  return [
    ...detectNewCategories(cases, regions, now, settings),
    ...detectSurges(cases, regions, now, settings),
    ...detectRecurrences(cases, now, settings),
  ];
}

/** The stored warning's dedupe key. */
export const warningKey = (w: Pick<DetectedWarning, 'kind' | 'regionId' | 'category' | 'place' | 'period'>) =>
  [w.kind, w.regionId, w.category, w.place, w.period].join('|');

/** A stored warning as the API and the console see it. */
export interface EarlyWarningView extends DetectedWarning {
  id: number;
  state: WarningState;
  updatedAt: number;
  acknowledgedById: string | null;
  acknowledgedAt: number | null;
  note: string | null;
  caseId: string | null;
  caseOpenedById: string | null;
  caseOpenedAt: number | null;
}
