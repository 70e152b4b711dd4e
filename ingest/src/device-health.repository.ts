import { dialectOf, type StateDb } from '@gridsense/state';
import { sql, type RawBuilder } from 'kysely';
import { activityRates, type ActivityRates, type DeviceActivity } from './device-activity';
import type { RejectRecord } from './reject-counter';
import type { SeqRow, SeqStream } from './seq-book';
import type { StoredSeqState } from './seq-tracker';

const DETAIL_CHARS = 300;

/** Every device's seq state, or one device's. */
export async function loadSeqStates(db: StateDb, deviceId?: string): Promise<SeqRow[]> {
  let query = db.selectFrom('device_seq_state').selectAll();
  if (deviceId !== undefined) query = query.where('device_id', '=', deviceId);
  const rows = await query.execute();
  return rows.map((r) => ({
    deviceId: r.device_id,
    stream: r.stream as SeqStream,
    state: JSON.parse(r.state) as StoredSeqState,
  }));
}

export async function loadActivities(db: StateDb): Promise<{ deviceId: string; activity: DeviceActivity }[]> {
  const rows = await db.selectFrom('device_activity').selectAll().execute();
  return rows.map((r) => ({ deviceId: r.device_id, activity: toActivity(r) }));
}

/** Saves changed seq states, activities and new reject counts in one transaction. */
export async function saveDeviceHealth(
  db: StateDb,
  changes: {
    seq: SeqRow[];
    activities: { deviceId: string; activity: DeviceActivity }[];
    rejects: RejectRecord[];
  },
  now: number,
): Promise<void> {
  if (changes.seq.length + changes.activities.length + changes.rejects.length === 0) return;
  const postgres = dialectOf(db) === 'postgres';
  await db.transaction().execute(async (tx) => {
    for (const row of changes.seq) {
      const state = JSON.stringify(row.state);
      const [boot, highest] = [row.state.boot ?? 0, row.state.highest];
      await tx
        .insertInto('device_seq_state')
        .values({ device_id: row.deviceId, stream: row.stream, state, updated_at: now })
        .onConflict((oc) =>
          oc
            .columns(['device_id', 'stream'])
            .doUpdateSet({ state, updated_at: now })
            // Never behind what is saved: a node the device has left may save its older state
            // after the node it moved to saved a newer one (decision 0016).
            .where(({ or, and, eb }) => {
              const [savedBoot, savedHighest] = savedProgress(postgres);
              return or([
                eb(savedBoot, '<', boot),
                and([eb(savedBoot, '=', boot), eb(savedHighest, '<=', highest)]),
              ]);
            }),
        )
        .execute();
    }
    for (const { deviceId, activity } of changes.activities) {
      const values = {
        messages: activity.messages,
        readings: activity.readings,
        rejects: activity.rejects,
        duplicates: activity.duplicates,
        last_message_at: activity.lastMessageAt,
        minutes: JSON.stringify(activity.minutes),
        updated_at: now,
      };
      await tx
        .insertInto('device_activity')
        .values({ device_id: deviceId, ...values })
        .onConflict((oc) => oc.column('device_id').doUpdateSet(values))
        .execute();
    }
    for (const reject of changes.rejects) {
      const detail = reject.detail.slice(0, DETAIL_CHARS);
      await tx
        .insertInto('device_rejects')
        .values({
          device_id: reject.deviceId,
          reason: reject.reason,
          count: reject.count,
          last_detail: detail,
          last_at: reject.at,
          last_payload: reject.payload,
        })
        .onConflict((oc) =>
          oc.columns(['device_id', 'reason']).doUpdateSet((eb) => ({
            count: eb('device_rejects.count', '+', reject.count),
            last_detail: detail,
            last_at: reject.at,
            last_payload: reject.payload,
          })),
        )
        .execute();
    }
  });
}

export interface SeqHealth {
  lastSeq: number | null;
  /** Seq numbers skipped and not (yet) filled: possible loss before GridSense. */
  gaps: number;
  /** Readings or events received again and stored once. */
  duplicates: number;
  /** Seqs too far behind the newest to check for repeats (accepted). */
  stale: number;
}

export interface RejectTally {
  reason: string;
  count: number;
  lastDetail: string;
  lastAt: number;
  lastPayload: string | null;
}

export interface DeviceHealth {
  totals: { messages: number; readings: number; rejects: number; duplicates: number };
  lastMessageAt: number | null;
  rates: ActivityRates;
  seq: Record<SeqStream, SeqHealth | null>;
  rejects: RejectTally[];
}

/** A device's ingest health as last saved (about a second behind), with rates as of `now`. */
export async function readDeviceHealth(db: StateDb, deviceId: string, now: number): Promise<DeviceHealth> {
  const [activityRow, seqRows, rejectRows] = await Promise.all([
    db.selectFrom('device_activity').selectAll().where('device_id', '=', deviceId).executeTakeFirst(),
    db.selectFrom('device_seq_state').selectAll().where('device_id', '=', deviceId).execute(),
    db
      .selectFrom('device_rejects')
      .selectAll()
      .where('device_id', '=', deviceId)
      .orderBy('last_at', 'desc')
      .execute(),
  ]);
  const activity = activityRow ? toActivity(activityRow) : undefined;
  const seq: Record<SeqStream, SeqHealth | null> = { telemetry: null, event: null };
  for (const row of seqRows) {
    const state = JSON.parse(row.state) as StoredSeqState;
    seq[row.stream as SeqStream] = {
      lastSeq: state.highest < 0 ? null : state.highest,
      gaps: state.gaps,
      duplicates: state.duplicates,
      stale: state.stale,
    };
  }
  const noRates = { m1: 0, m5: 0, m15: 0 };
  return {
    totals: {
      messages: activity?.messages ?? 0,
      readings: activity?.readings ?? 0,
      rejects: activity?.rejects ?? 0,
      duplicates: activity?.duplicates ?? 0,
    },
    lastMessageAt: activity?.lastMessageAt ?? null,
    rates: activity ? activityRates(activity, now) : { readingsPerMin: noRates, rejectsPerMin: noRates },
    seq,
    rejects: rejectRows.map((r) => ({
      reason: r.reason,
      count: r.count,
      lastDetail: r.last_detail,
      lastAt: r.last_at,
      lastPayload: r.last_payload ?? null,
    })),
  };
}

function toActivity(row: {
  messages: number;
  readings: number;
  rejects: number;
  duplicates: number;
  last_message_at: number | null;
  minutes: string;
}): DeviceActivity {
  return {
    messages: Number(row.messages),
    readings: Number(row.readings),
    rejects: Number(row.rejects),
    duplicates: Number(row.duplicates),
    lastMessageAt: row.last_message_at === null ? null : Number(row.last_message_at),
    minutes: JSON.parse(row.minutes) as [number, number, number][],
  };
}

/** The saved row's boot and highest seq, read from its JSON state in SQL. */
function savedProgress(postgres: boolean): [RawBuilder<number>, RawBuilder<number>] {
  return postgres
    ? [
        sql<number>`coalesce((device_seq_state.state::json->>'boot')::bigint, 0)`,
        sql<number>`(device_seq_state.state::json->>'highest')::bigint`,
      ]
    : [
        sql<number>`coalesce(json_extract(device_seq_state.state, '$.boot'), 0)`,
        sql<number>`json_extract(device_seq_state.state, '$.highest')`,
      ];
}
