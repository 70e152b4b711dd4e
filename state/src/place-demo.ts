import type { PlaceKind, PlaceLevel } from '@gridsense/core';
import type { StateDb } from './database';
import { completeInspection, insertPlace, openInspection, setPlaceDevices } from './place.repository';

const DAY_MS = 86_400_000;

/** The demo's 重点场所, one per grid of the first ten, with the kind and floor level of each. */
const DEMO_PLACES: { name: string; kind: PlaceKind; address: string; baseLevel: PlaceLevel }[] = [
  { name: '望江农贸市场', kind: 'shop', address: '望江路 12 号', baseLevel: 'green' },
  { name: '江城路老旧小区 3 幢', kind: 'old_residential', address: '江城路 88 号', baseLevel: 'yellow' },
  { name: '秋涛路地铁配套工地', kind: 'construction_site', address: '秋涛路 201 号', baseLevel: 'yellow' },
  { name: '近江商务楼', kind: 'building', address: '近江路 5 号', baseLevel: 'green' },
  { name: '秋涛沿街餐饮店', kind: 'shop', address: '秋涛路 36 号', baseLevel: 'green' },
  { name: '东坡路综合商场', kind: 'building', address: '东坡路 9 号', baseLevel: 'green' },
  { name: '劳动路老旧小区', kind: 'old_residential', address: '劳动路 14 号', baseLevel: 'green' },
  { name: '柳翠井巷出租房', kind: 'old_residential', address: '柳翠井巷 7 号', baseLevel: 'yellow' },
  { name: '湖滨步行街商铺', kind: 'shop', address: '湖滨路 20 号', baseLevel: 'green' },
  { name: '延安路改造工地', kind: 'construction_site', address: '延安路 118 号', baseLevel: 'yellow' },
];

/**
 * Seeds the demo's places: each in its grid at its first smoke detector, with that detector and
 * the grid's electrical-fire monitor attached, and an inspection of the last few days each — done
 * on time, but one failed and one missed — so the levels and the phone's list have something to show.
 */
export async function seedDemoPlaces(
  db: StateDb,
  devices: readonly { id: string; gridId: string; type: string; lng: number; lat: number }[],
  now: number,
): Promise<number> {
  let seeded = 0;
  for (const [index, demo] of DEMO_PLACES.entries()) {
    const gridId = `G${String(index + 1).padStart(2, '0')}`;
    const inGrid = devices.filter((d) => d.gridId === gridId);
    const smoke = inGrid.find((d) => d.type === 'smoke_detector');
    if (!smoke) continue;
    const attached = [smoke, inGrid.find((d) => d.type === 'electrical_fire')].filter((d) => d !== undefined);
    const id = `place-${gridId}`;
    await insertPlace(db, { id, gridId, lat: smoke.lat, lng: smoke.lng, ...demo }, now - 60 * DAY_MS);
    await setPlaceDevices(
      db,
      id,
      attached.map((d) => d.id),
      now - 60 * DAY_MS,
    );
    seeded++;
    // A past inspection: done on time; the market's gas hose failed; the third place was missed.
    const dueAt = now - ((index % 5) + 1) * DAY_MS;
    const task = await openInspection(
      db,
      { placeId: id, gridId, level: demo.baseLevel, dueAt },
      dueAt - 7 * DAY_MS,
    );
    if (!task || index === 2) continue;
    const failed = index === 0;
    await completeInspection(db, task.id, {
      byId: `u-worker${String(index * 2 + 1).padStart(2, '0')}`,
      at: dueAt - 3 * 3_600_000,
      position: { lng: smoke.lng, lat: smoke.lat, accuracyM: 8 },
      photos: [],
      checklist: [],
      passed: !failed,
      note: failed ? '燃气软管老化，已告知商户更换' : null,
    });
  }
  return seeded;
}
