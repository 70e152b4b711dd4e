import { randomUUID } from 'node:crypto';
import {
  apiText,
  AppError,
  authorize,
  checkInPositionCheck,
  INSPECTION_CHECKLISTS,
  isValidId,
  PLACE_KINDS,
  PLACE_LEVELS,
  photoIdOf,
  photoListProblems,
  resourceIn,
  validateChecklist,
  validatePlaceRiskRules,
  type Action,
  type PlaceInspectionView,
  type PlaceKind,
  type PlaceLevel,
  type PlaceRiskRules,
  type PlaceView,
  type PolygonGeometry,
  type Problem,
  type Region,
  type User,
} from '@gridsense/core';
import {
  completeInspection,
  deletePlace,
  findInspection,
  findPhoto,
  findPlace,
  insertPlace,
  lastInspectionTimes,
  listDevices,
  listOpenInspections,
  listPlaceInspections,
  listPlaces,
  openInspection,
  savePlaceRiskRules,
  setPlaceDevices,
  updatePlace,
  writeAudited,
  type PlaceFields,
  type PlaceRecord,
} from '@gridsense/state';
import type { CaseService } from './cases/service';
import { rescheduleForRules } from './place-inspection-ticker';
import { assessPlaces, placeRiskRules } from './place-levels';

const MAX_DEVICES_PER_PLACE = 50;

/** The whole globe, for a grid whose boundary has not been imported yet. */
const EVERYWHERE: PolygonGeometry = {
  type: 'Polygon',
  coordinates: [
    [
      [-180, -90],
      [180, -90],
      [180, 90],
      [-180, 90],
      [-180, -90],
    ],
  ],
};

/** PostgreSQL text cannot hold NUL; such input is refused like any other bad text. */
const hasNul = (text: string): boolean => text.includes('\u0000');

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** The fields of a place from an admin's body, listing every problem (the grid is checked apart). */
function placeFieldsOf(body: unknown): { fields: Omit<PlaceFields, 'id'>; errors: Problem[] } {
  const b = isObject(body) ? body : {};
  const errors: Problem[] = [];
  const name = typeof b.name === 'string' ? b.name.trim() : '';
  if (!name || name.length > 200 || hasNul(name))
    errors.push(apiText('field.textLengthRange', { field: 'name', min: 1, max: 200 }));
  if (!PLACE_KINDS.includes(b.kind as PlaceKind))
    errors.push(apiText('field.oneOf', { field: 'kind', values: PLACE_KINDS.join(', ') }));
  const address = b.address === undefined ? '' : b.address;
  if (typeof address !== 'string' || address.length > 300 || hasNul(address))
    errors.push(apiText('field.textAtMost', { field: 'address', max: 300 }));
  const { lat, lng } = b;
  if (
    typeof lat !== 'number' ||
    typeof lng !== 'number' ||
    !Number.isFinite(lat) ||
    !Number.isFinite(lng) ||
    Math.abs(lat) > 90 ||
    Math.abs(lng) > 180
  )
    errors.push(apiText('place.position'));
  const baseLevel = b.baseLevel ?? 'green';
  if (!PLACE_LEVELS.includes(baseLevel as PlaceLevel)) errors.push(apiText('place.levelOneOf'));
  if (typeof b.gridId !== 'string') errors.push(apiText('field.gridInRegion', { field: 'gridId' }));
  return {
    fields: {
      name,
      kind: b.kind as PlaceKind,
      gridId: String(b.gridId),
      address: typeof address === 'string' ? address.trim() : '',
      lat: lat as number,
      lng: lng as number,
      baseLevel: baseLevel as PlaceLevel,
    },
    errors,
  };
}

export interface CheckInInput {
  position?: unknown;
  photos?: unknown;
  checklist?: unknown;
  note?: unknown;
}

export type PlaceService = ReturnType<typeof createPlaceService>;

/**
 * 重点场所: places in the reader's scope with their levels and the reasons, the admin's register
 * (places, their devices, the level rules), and the worker's check-in. Authorization first, then
 * the scope: a place outside it is `not_found`, so its existence does not leak.
 */
export function createPlaceService(cases: CaseService) {
  const ctx = cases.context;
  const regions = (): Region[] => ctx.regions();

  async function visiblePlace(user: User, id: string, action: Action): Promise<PlaceRecord> {
    authorize(user, action);
    // An id that cannot be a place's is not looked up (PostgreSQL refuses some bytes in text).
    const place = isValidId(id) ? await findPlace(ctx.db, id) : undefined;
    if (!place || !(await cases.visibleGrids(user)).includes(place.gridId))
      throw new AppError('not_found', apiText('notFound.place', { id }));
    authorize(user, action, resourceIn(regions(), place.gridId));
    return place;
  }

  async function viewsOf(places: readonly PlaceRecord[]): Promise<PlaceView[]> {
    const now = ctx.now();
    const ids = places.map((p) => p.id);
    const [levels, open, last] = await Promise.all([
      placeRiskRules(ctx.db).then((rules) => assessPlaces(ctx.db, places, rules, now)),
      listOpenInspections(ctx.db, { placeIds: ids }),
      lastInspectionTimes(ctx.db, ids),
    ]);
    return places.map((p) => ({
      id: p.id,
      name: p.name,
      kind: p.kind,
      gridId: p.gridId,
      address: p.address,
      lat: p.lat,
      lng: p.lng,
      baseLevel: p.baseLevel,
      deviceIds: p.deviceIds,
      assessment: levels.get(p.id)!,
      checklist: INSPECTION_CHECKLISTS[p.kind],
      openInspection: open.find((i) => i.placeId === p.id) ?? null,
      lastInspectedAt: last.get(p.id) ?? null,
    }));
  }

  /** The grid a place is registered in: a grid in the admin's region, holding the place's position. */
  function checkGrid(user: User, fields: Omit<PlaceFields, 'id'>): void {
    const grid = regions().find((r) => r.id === fields.gridId && r.level === 'grid');
    if (!grid) throw new AppError('validation_failed', apiText('field.gridInRegion', { field: 'gridId' }));
    authorize(user, 'place.manage', resourceIn(regions(), grid.id));
    if (grid.boundary && !checkInPositionCheck({ lng: fields.lng, lat: fields.lat }, grid.boundary).ok)
      throw new AppError('validation_failed', apiText('place.positionOutsideGrid', { id: grid.id }));
  }

  const actor = (user: User) => ({ id: user.id, name: user.displayName });

  return {
    /** Places in the reader's scope (a grid worker: their duty grids), riskiest first. */
    async list(user: User): Promise<PlaceView[]> {
      authorize(user, 'place.read');
      const views = await viewsOf(await listPlaces(ctx.db, { gridIds: await cases.visibleGrids(user) }));
      const rank = (v: PlaceView) => PLACE_LEVELS.indexOf(v.assessment.level);
      return views.sort((a, b) => rank(b) - rank(a) || b.assessment.points - a.assessment.points);
    },

    async get(user: User, id: string): Promise<PlaceView & { inspections: PlaceInspectionView[] }> {
      const place = await visiblePlace(user, id, 'place.read');
      const [view] = await viewsOf([place]);
      return { ...view!, inspections: await listPlaceInspections(ctx.db, place.id) };
    },

    async rules(user: User): Promise<PlaceRiskRules> {
      authorize(user, 'place.read');
      return placeRiskRules(ctx.db);
    },

    async create(user: User, body: unknown): Promise<PlaceView> {
      authorize(user, 'place.manage');
      const { fields, errors } = placeFieldsOf(body);
      if (errors.length > 0) throw new AppError('validation_failed', apiText('invalid.place'), errors);
      checkGrid(user, fields);
      const place = { ...fields, id: `pl-${randomUUID().slice(0, 8)}` };
      const now = ctx.now();
      await writeAudited(
        ctx.db,
        actor(user),
        now,
        { action: 'admin.place_created', entityType: 'place', entityId: place.id, data: place },
        (tx) => insertPlace(tx, place, now),
      );
      const [view] = await viewsOf([(await findPlace(ctx.db, place.id))!]);
      return view!;
    },

    async update(user: User, id: string, body: unknown): Promise<PlaceView> {
      const existing = await visiblePlace(user, id, 'place.manage');
      const { fields, errors } = placeFieldsOf(body);
      if (errors.length > 0) throw new AppError('validation_failed', apiText('invalid.place'), errors);
      checkGrid(user, fields);
      const now = ctx.now();
      const place = { ...fields, id: existing.id };
      await writeAudited(
        ctx.db,
        actor(user),
        now,
        { action: 'admin.place_changed', entityType: 'place', entityId: id, data: place },
        (tx) => updatePlace(tx, place, now),
      );
      const [view] = await viewsOf([(await findPlace(ctx.db, id))!]);
      return view!;
    },

    async remove(user: User, id: string): Promise<void> {
      await visiblePlace(user, id, 'place.manage');
      await writeAudited(
        ctx.db,
        actor(user),
        ctx.now(),
        { action: 'admin.place_deleted', entityType: 'place', entityId: id, data: null },
        (tx) => deletePlace(tx, id),
      );
    },

    /** Sets the devices of a place: devices of its own grid, each in at most one place. */
    async setDevices(user: User, id: string, deviceIds: unknown): Promise<PlaceView> {
      const place = await visiblePlace(user, id, 'place.manage');
      if (
        !Array.isArray(deviceIds) ||
        deviceIds.length > MAX_DEVICES_PER_PLACE ||
        deviceIds.some((d) => typeof d !== 'string')
      )
        throw new AppError('validation_failed', apiText('place.deviceIdsList'));
      const wanted = [...new Set(deviceIds as string[])];
      const devices = new Map((await listDevices(ctx.db)).map((d) => [d.id, d]));
      const errors: Problem[] = [];
      for (const deviceId of wanted) {
        const device = devices.get(deviceId);
        if (!device) errors.push(apiText('notFound.device', { id: deviceId }));
        else if (device.gridId !== place.gridId)
          errors.push(apiText('place.deviceNotInGrid', { id: deviceId, gridId: place.gridId }));
      }
      if (errors.length > 0) throw new AppError('validation_failed', apiText('invalid.devices'), errors);
      const now = ctx.now();
      await writeAudited(
        ctx.db,
        actor(user),
        now,
        { action: 'admin.place_devices_set', entityType: 'place', entityId: id, data: { deviceIds: wanted } },
        async (tx) => {
          // Thrown inside the transaction, so no audit entry records a change that did not happen.
          const result = await setPlaceDevices(tx, id, wanted, now);
          if (!result.ok)
            throw new AppError(
              'conflict',
              apiText('place.devicesElsewhere', { ids: result.elsewhere.join(', ') }),
            );
        },
      );
      const [view] = await viewsOf([(await findPlace(ctx.db, id))!]);
      return view!;
    },

    async setRules(user: User, body: unknown): Promise<PlaceRiskRules> {
      authorize(user, 'place.manage');
      // The rules hold for the whole district: only an administrator over all of it tunes them.
      const root = regions().find((r) => r.parentId === null);
      if (root) authorize(user, 'place.manage', resourceIn(regions(), root.id));
      const checked = validatePlaceRiskRules(body);
      if (!checked.ok)
        throw new AppError('validation_failed', apiText('invalid.placeRiskRules'), checked.errors);
      const now = ctx.now();
      await writeAudited(
        ctx.db,
        actor(user),
        now,
        {
          action: 'admin.place_rules_set',
          entityType: 'place_rules',
          entityId: 'default',
          data: checked.rules,
        },
        (tx) => savePlaceRiskRules(tx, checked.rules, { personId: user.id, at: now }),
      );
      // Levels are computed when read, so they follow at once; the due inspections follow here.
      await rescheduleForRules(ctx.db, checked.rules, now);
      return checked.rules;
    },

    /**
     * 巡检 check-in: on the place's open inspection (or, with none scheduled, a new one due now),
     * with the phone's position inside the place's grid, at least one photo the person uploaded,
     * and the place's checklist answered in full.
     */
    async checkIn(user: User, id: string, input: CheckInInput): Promise<PlaceInspectionView> {
      const place = await visiblePlace(user, id, 'place.inspect');
      const errors: Problem[] = photoListProblems(input.photos, true);
      const checklist = validateChecklist(place.kind, input.checklist);
      if (!checklist.ok) errors.push(...checklist.errors);
      if (
        input.note !== undefined &&
        input.note !== null &&
        (typeof input.note !== 'string' || input.note.length > 1000 || hasNul(input.note))
      )
        errors.push(apiText('field.textAtMost', { field: 'note', max: 1000 }));
      if (errors.length > 0) throw new AppError('validation_failed', apiText('invalid.checkIn'), errors);
      const photos = input.photos as string[];
      for (const photo of photos) {
        const stored = await findPhoto(ctx.db, photoIdOf(photo)!);
        if (!stored || stored.uploaderId !== user.id)
          throw new AppError('validation_failed', apiText('photo.notUploaded', { field: 'photos' }));
      }
      // A grid without a boundary yet cannot refuse a position, but the position must still be one.
      const boundary = regions().find((r) => r.id === place.gridId)?.boundary ?? EVERYWHERE;
      const check = checkInPositionCheck(input.position, boundary);
      if (!check.ok && check.reason === 'invalid')
        throw new AppError('validation_failed', apiText('position.shape'));
      if (!check.ok) {
        const distanceM = check.distanceM ?? 0;
        throw new AppError(
          'validation_failed',
          apiText('place.checkInOutside', { distanceM, id: place.gridId }),
        );
      }
      const position = input.position as { lng: number; lat: number; accuracyM?: number | null };
      const now = ctx.now();
      const [open] = await listOpenInspections(ctx.db, { placeIds: [place.id] });
      const task =
        open ??
        (await openInspection(
          ctx.db,
          {
            placeId: place.id,
            gridId: place.gridId,
            level: (await viewsOf([place]))[0]!.assessment.level,
            dueAt: now,
          },
          now,
        ));
      const done =
        task &&
        (await completeInspection(ctx.db, task.id, {
          byId: user.id,
          at: now,
          position: { lng: position.lng, lat: position.lat, accuracyM: position.accuracyM ?? null },
          photos,
          checklist: checklist.ok ? checklist.answers : [],
          passed: checklist.ok && checklist.passed,
          note: typeof input.note === 'string' && input.note.trim() ? input.note.trim() : null,
        }));
      if (!task || !done) throw new AppError('conflict', apiText('place.checkedInMeanwhile'));
      return (await findInspection(ctx.db, task.id))!;
    },
  };
}
