import { pointInPolygon, regionLineage } from '@gridsense/core';
import type { Region } from '@gridsense/core';

/**
 * The district's address book as the console knows it: every grid under its street and community,
 * found by any of those names. A caller says "江城社区" or "望江街道那边"; the operator types it and
 * picks the grid (or taps the exact spot on the map).
 */
export interface PlaceMatch {
  gridId: string;
  gridName: string;
  /** Street / community / grid, outermost first, without the district. */
  path: string[];
}

export const PLACE_MATCH_LIMIT = 8;

/** Grids whose own name, community's or street's contains `text` (all its words), best first. */
export function findPlaces(
  regions: readonly Region[],
  text: string,
  limit = PLACE_MATCH_LIMIT,
): PlaceMatch[] {
  const words = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const scored: { match: PlaceMatch; score: number }[] = [];
  for (const grid of regions) {
    if (grid.level !== 'grid') continue;
    const lineage = regionLineage(regions, grid.id).filter((region) => region.level !== 'district');
    // Names, and ids typed in full (G07).
    const names = lineage.map((r) => r.name.toLowerCase());
    const ids = lineage.map((r) => r.id.toLowerCase());
    if (!words.every((word) => ids.includes(word) || names.some((name) => name.includes(word)))) continue;
    // A word in the grid's own name (or its id) ranks it above one found only in its community or street.
    const score = words.filter((word) => names[0]!.includes(word) || ids[0] === word).length;
    scored.push({
      match: { gridId: grid.id, gridName: grid.name, path: lineage.map((r) => r.name).reverse() },
      score,
    });
  }
  return scored
    .sort(
      (a, b) => b.score - a.score || a.match.path.join('/').localeCompare(b.match.path.join('/'), 'zh-CN'),
    )
    .slice(0, limit)
    .map((entry) => entry.match);
}

/** The grid under a point, if any (the server decides for good: it knows every grid). */
export function gridAt(regions: readonly Region[], lat: number, lng: number): Region | undefined {
  return regions.find(
    (candidate) =>
      candidate.level === 'grid' && candidate.boundary && pointInPolygon(lng, lat, candidate.boundary),
  );
}
