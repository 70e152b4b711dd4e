import {
  apiText,
  AppError,
  atField,
  isValidId,
  parseGridBoundary,
  type PolygonGeometry,
  type Problem,
  type Region,
  type RegionAdminView,
  type User,
} from '@gridsense/core';
import { createRegion, listOnDutyWorkers, setRegionBoundary } from '@gridsense/state';
import { regionsUnder, requireAdmin } from './admin-scope';
import { GridOverlapCheck } from './grid-overlap-check';
import type { WebDeps } from './web-deps';

/**
 * Boundary errors name the field, so the console shows them under the file picker. A boundary
 * that overlaps another grid is refused: a location must route to one grid's workers. So is one
 * that reaches out of its community, street or district: a report there would route to a grid
 * whose community does not hold it.
 */
async function checkBoundary(
  overlapCheck: GridOverlapCheck,
  input: unknown,
  gridId: string | undefined,
  parentId: string | undefined,
  regions: readonly Region[],
  errors: Problem[],
): Promise<PolygonGeometry | null> {
  if (input === undefined || input === null) {
    errors.push(apiText('boundary.required'));
    return null;
  }
  const parsed = parseGridBoundary(input, gridId);
  if (!parsed.ok) {
    errors.push(...parsed.errors.map((problem) => atField('boundary', problem)));
    return null;
  }
  const { overlaps, overruns } = await overlapCheck.find(parsed.boundary, gridId, parentId, regions);
  for (const { regionId, level: ancestorLevel, name, areaM2, share } of overruns) {
    errors.push(
      atField(
        'boundary',
        apiText('boundary.overrun', { level: ancestorLevel, id: regionId, name, ...areaOf(areaM2, share) }),
      ),
    );
  }
  for (const { gridId: other, name, areaM2, share } of overlaps) {
    errors.push(
      atField('boundary', apiText('boundary.overlap', { id: other, name, ...areaOf(areaM2, share) })),
    );
  }
  return overlaps.length === 0 && overruns.length === 0 ? parsed.boundary : null;
}

/** An area as the texts show it: whole square metres with thousands marked, and a share in %. */
function areaOf(areaM2: number, share: number) {
  return { areaM2: Math.round(areaM2).toLocaleString('en'), percent: (share * 100).toFixed(1) };
}

/** Where each level an administrator may add goes: the district's root is seeded, never added. */
const PARENT_LEVEL = { street: 'district', community: 'street', grid: 'community' } as const;

/** A street's or community's outline is for the map only: checked when given, never required. */
function optionalBoundary(input: unknown, id: string | undefined, errors: Problem[]): PolygonGeometry | null {
  if (input === undefined || input === null) return null;
  const parsed = parseGridBoundary(input, id);
  if (parsed.ok) return parsed.boundary;
  errors.push(...parsed.errors.map((problem) => atField('boundary', problem)));
  return null;
}

/**
 * The region hierarchy for administrators: district → street → community → grid with each grid's
 * standing duties, boundary imports and new streets, communities and grids. Each change is
 * audited, then the case service's region cache is reloaded, so point-in-polygon routing uses it
 * from the next report.
 */
export function createRegionAdminService(deps: WebDeps, overlapCheck = new GridOverlapCheck()) {
  const scoped = (user: User) => {
    const actor = requireAdmin(user, 'region.manage');
    return { actor, regions: regionsUnder(deps.cases.regions(), user.regionId) };
  };

  const viewOf = async (region: Region): Promise<RegionAdminView> => ({
    ...region,
    duties:
      region.level === 'grid'
        ? (await listOnDutyWorkers(deps.db, region.id)).map(({ userId, displayName, duty }) => ({
            userId,
            displayName,
            duty,
          }))
        : [],
  });

  /**
   * Routing here uses the new boundary at once; the rule engine (grid lineage of rule scopes) and
   * an alerts service running apart hear it on the bus and reload their regions.
   */
  const regionsChanged = async (regionId: string) => {
    await deps.cases.reloadRegions();
    await deps.bus.publish('regions.changed', { regionId, at: deps.now() });
  };

  return {
    async list(user: User): Promise<RegionAdminView[]> {
      return Promise.all(scoped(user).regions.map(viewOf));
    },

    async setBoundary(user: User, regionId: string, input: unknown): Promise<RegionAdminView> {
      const { actor, regions } = scoped(user);
      const region = regions.find((r) => r.id === regionId && r.level === 'grid');
      if (!region) throw new AppError('not_found', apiText('notFound.grid', { id: regionId }));
      const errors: Problem[] = [];
      const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
      const boundary = await checkBoundary(
        overlapCheck,
        body.boundary,
        regionId,
        region.parentId ?? undefined,
        deps.cases.regions(),
        errors,
      );
      if (!boundary) throw new AppError('validation_failed', apiText('invalid.boundary'), errors);
      await setRegionBoundary(deps.db, regionId, boundary, region.boundary, actor, deps.now());
      await regionsChanged(regionId);
      return viewOf({ ...region, boundary });
    },

    /**
     * The import's checks without saving (a dry run), so the console shows overlaps and a reach
     * out of the community as soon as a file is read. `gridId` is the grid imported for, or the
     * id a new grid will have; a new grid's `parentId` is its community. Refused as the import
     * would be.
     */
    async checkBoundaryDraft(user: User, input: unknown): Promise<{ boundary: PolygonGeometry }> {
      const { regions } = scoped(user);
      const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
      const gridId = typeof body.gridId === 'string' && isValidId(body.gridId) ? body.gridId : undefined;
      const existing = gridId ? deps.cases.regions().find((r) => r.id === gridId) : undefined;
      if (existing && !regions.some((r) => r.id === existing.id))
        throw new AppError('not_found', apiText('notFound.grid', { id: existing.id }));
      const parentId =
        existing?.parentId ?? regions.find((r) => r.id === body.parentId && r.level === 'community')?.id;
      const errors: Problem[] = [];
      const boundary = await checkBoundary(
        overlapCheck,
        body.boundary,
        gridId,
        parentId ?? undefined,
        deps.cases.regions(),
        errors,
      );
      if (!boundary) throw new AppError('validation_failed', apiText('invalid.boundary'), errors);
      return { boundary };
    },

    /**
     * A new street under the district, community under a street or grid under a community
     * (`level`, default grid); a grid needs its boundary, the others may have one. Every problem
     * is listed at once.
     */
    async addRegion(user: User, input: unknown): Promise<RegionAdminView> {
      const { actor, regions } = scoped(user);
      const body = (typeof input === 'object' && input !== null ? input : {}) as Record<string, unknown>;
      const errors: Problem[] = [];
      const level = body.level ?? 'grid';
      if (level !== 'street' && level !== 'community' && level !== 'grid')
        throw new AppError('validation_failed', apiText('invalid.region'), [apiText('region.levelOneOf')]);
      const id = typeof body.id === 'string' ? body.id.trim() : '';
      if (!isValidId(id))
        errors.push(apiText('field.charsRange', { field: 'id', min: 1, max: 64, chars: 'A-Z a-z 0-9 _ -' }));
      else if (deps.cases.regions().some((r) => r.id === id)) errors.push(apiText('region.idTaken', { id }));
      const name = typeof body.name === 'string' ? body.name.trim() : '';
      if (name === '' || name.length > 100)
        errors.push(apiText('field.lengthRange', { field: 'name', min: 1, max: 100 }));
      const parentLevel = PARENT_LEVEL[level];
      const parent = regions.find((r) => r.id === body.parentId && r.level === parentLevel);
      if (!parent && level === 'street')
        errors.push(apiText('field.districtInRegion', { field: 'parentId' }));
      if (!parent && level === 'community')
        errors.push(apiText('field.streetInRegion', { field: 'parentId' }));
      if (!parent && level === 'grid') errors.push(apiText('field.communityInRegion', { field: 'parentId' }));
      const gridId = isValidId(id) ? id : undefined;
      const boundary =
        level === 'grid'
          ? await checkBoundary(overlapCheck, body.boundary, gridId, parent?.id, deps.cases.regions(), errors)
          : optionalBoundary(body.boundary, gridId, errors);
      if (errors.length > 0 || !parent || (level === 'grid' && !boundary))
        throw new AppError(
          'validation_failed',
          level === 'grid' ? apiText('invalid.grid') : apiText('invalid.region'),
          errors,
        );
      const region: Region = { id, level, parentId: parent.id, name, boundary };
      await createRegion(deps.db, region, actor, deps.now());
      await regionsChanged(id);
      return viewOf(region);
    },
  };
}
