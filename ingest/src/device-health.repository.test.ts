import type { StateDb } from '@gridsense/state';
import { openTestStateDb, stateDialects } from '@gridsense/state/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceActivity } from './device-activity';
import {
  loadActivities,
  loadSeqStates,
  readDeviceHealth,
  saveDeviceHealth,
} from './device-health.repository';
import type { StoredSeqState } from './seq-tracker';

const T0 = Date.UTC(2026, 2, 10, 2);
const MIN = 60_000;

const seqState = (highest: number, extra: Partial<StoredSeqState> = {}): StoredSeqState => ({
  highest,
  window: 'ff',
  floor: 0,
  holes: [],
  gaps: 0,
  duplicates: 0,
  stale: 0,
  maybe: [],
  lastStamp: T0,
  ...extra,
});

const activity = (readings: number, extra: Partial<DeviceActivity> = {}): DeviceActivity => ({
  messages: readings + 1,
  readings,
  rejects: 1,
  duplicates: 0,
  lastMessageAt: T0,
  minutes: [[T0 - (T0 % MIN), readings, 1]],
  ...extra,
});

const reject = (deviceId: string, reason: 'bad_json' | 'bad_shape', at: number, count = 1) => ({
  deviceId,
  reason,
  detail: `${reason} at ${at}`,
  payload: '{"v":',
  at,
  count,
});

/** What ingest keeps about each device between restarts: seq state, activity and reject counts. */
describe.each(stateDialects())('device health in the state database (%s)', (dialect) => {
  let db: StateDb;
  beforeEach(async () => {
    db = await openTestStateDb(dialect);
  });
  afterEach(async () => db?.destroy());

  it('saves seq states and loads them back, all or one device’s', async () => {
    await saveDeviceHealth(
      db,
      {
        seq: [
          { deviceId: 'smoke-1', stream: 'telemetry', state: seqState(41) },
          { deviceId: 'smoke-1', stream: 'event', state: seqState(3) },
          { deviceId: 'smoke-2', stream: 'telemetry', state: seqState(7) },
        ],
        activities: [],
        rejects: [],
      },
      T0,
    );
    // A later save replaces the state it holds for that stream.
    await saveDeviceHealth(
      db,
      {
        seq: [{ deviceId: 'smoke-1', stream: 'telemetry', state: seqState(42, { gaps: 2 }) }],
        activities: [],
        rejects: [],
      },
      T0 + 1_000,
    );

    const order = (a: { deviceId: string; stream: string }, b: { deviceId: string; stream: string }) =>
      `${a.deviceId}/${a.stream}`.localeCompare(`${b.deviceId}/${b.stream}`);
    expect((await loadSeqStates(db)).sort(order)).toEqual([
      { deviceId: 'smoke-1', stream: 'event', state: seqState(3) },
      { deviceId: 'smoke-1', stream: 'telemetry', state: seqState(42, { gaps: 2 }) },
      { deviceId: 'smoke-2', stream: 'telemetry', state: seqState(7) },
    ]);
    expect(await loadSeqStates(db, 'smoke-2')).toEqual([
      { deviceId: 'smoke-2', stream: 'telemetry', state: seqState(7) },
    ]);
    expect(await loadSeqStates(db, 'nobody')).toEqual([]);
  });

  // A node the device has left saves its older state after the node it moved to saved a newer
  // one: the saved state must not go back (decision 0016), or the device's next move would take
  // the older state and store a resend again.
  it('never saves a seq state behind the one saved, and takes a new boot', async () => {
    const save = (state: StoredSeqState) =>
      saveDeviceHealth(
        db,
        { seq: [{ deviceId: 'smoke-1', stream: 'telemetry', state }], activities: [], rejects: [] },
        T0,
      );
    const saved = async () => (await loadSeqStates(db, 'smoke-1'))[0]?.state;
    await save(seqState(100, { boot: 1 }));
    await save(seqState(60, { boot: 1, gaps: 7 }));
    expect(await saved()).toEqual(seqState(100, { boot: 1 }));
    await save(seqState(100, { boot: 1, duplicates: 2 }));
    expect(await saved()).toEqual(seqState(100, { boot: 1, duplicates: 2 }));
    await save(seqState(3, { boot: 2 }));
    expect(await saved()).toEqual(seqState(3, { boot: 2 }));
    await save(seqState(500, { boot: 1 }));
    expect(await saved()).toEqual(seqState(3, { boot: 2 }));
    // Rows saved before boots were kept read as boot 0.
    await saveDeviceHealth(
      db,
      {
        seq: [{ deviceId: 'smoke-2', stream: 'telemetry', state: seqState(9) }],
        activities: [],
        rejects: [],
      },
      T0,
    );
    await saveDeviceHealth(
      db,
      {
        seq: [{ deviceId: 'smoke-2', stream: 'telemetry', state: seqState(1, { boot: 1 }) }],
        activities: [],
        rejects: [],
      },
      T0,
    );
    expect((await loadSeqStates(db, 'smoke-2'))[0]?.state).toEqual(seqState(1, { boot: 1 }));
  });

  it('keeps each device’s activity as numbers, its last message time included', async () => {
    await saveDeviceHealth(
      db,
      { seq: [], activities: [{ deviceId: 'smoke-1', activity: activity(5) }], rejects: [] },
      T0,
    );
    const later = activity(9, { lastMessageAt: T0 + 30_000 });
    await saveDeviceHealth(
      db,
      {
        seq: [],
        activities: [
          { deviceId: 'smoke-1', activity: later },
          { deviceId: 'cam-1', activity: activity(0, { lastMessageAt: null, minutes: [] }) },
        ],
        rejects: [],
      },
      T0 + 30_000,
    );
    const loaded = await loadActivities(db);
    expect(loaded.sort((a, b) => a.deviceId.localeCompare(b.deviceId))).toEqual([
      { deviceId: 'cam-1', activity: activity(0, { lastMessageAt: null, minutes: [] }) },
      { deviceId: 'smoke-1', activity: later },
    ]);
  });

  it('adds reject counts up per reason and reads a device’s health, newest reject first', async () => {
    await saveDeviceHealth(
      db,
      {
        seq: [{ deviceId: 'smoke-1', stream: 'telemetry', state: seqState(41, { duplicates: 3, gaps: 1 }) }],
        activities: [{ deviceId: 'smoke-1', activity: activity(5) }],
        rejects: [reject('smoke-1', 'bad_json', T0, 2), reject('smoke-2', 'bad_json', T0)],
      },
      T0,
    );
    await saveDeviceHealth(
      db,
      {
        seq: [],
        activities: [],
        rejects: [reject('smoke-1', 'bad_shape', T0 + MIN), reject('smoke-1', 'bad_json', T0 + 2 * MIN, 3)],
      },
      T0 + 2 * MIN,
    );

    const health = await readDeviceHealth(db, 'smoke-1', T0 + 2 * MIN);
    expect(health).toMatchObject({
      totals: { messages: 6, readings: 5, rejects: 1, duplicates: 0 },
      lastMessageAt: T0,
      seq: { telemetry: { lastSeq: 41, gaps: 1, duplicates: 3, stale: 0 }, event: null },
      rejects: [
        {
          reason: 'bad_json',
          count: 5,
          lastDetail: `bad_json at ${T0 + 2 * MIN}`,
          lastAt: T0 + 2 * MIN,
          lastPayload: '{"v":',
        },
        { reason: 'bad_shape', count: 1, lastAt: T0 + MIN },
      ],
    });
    // Another device's counts stay its own.
    expect((await readDeviceHealth(db, 'smoke-2', T0)).rejects).toMatchObject([{ count: 1 }]);
    // A device never heard from reads as empty.
    expect(await readDeviceHealth(db, 'cam-9', T0)).toMatchObject({
      totals: { messages: 0, readings: 0, rejects: 0, duplicates: 0 },
      lastMessageAt: null,
      seq: { telemetry: null, event: null },
      rejects: [],
    });
  });
});
