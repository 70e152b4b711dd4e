import { describe, expect, it } from 'vitest';
import { ACTIVITY_MINUTES, activityRates, emptyActivity, recordActivity } from './device-activity';
import { excerptPayload, PAYLOAD_EXCERPT_CHARS } from './reject-counter';

const MIN = 60_000;
const T0 = Date.UTC(2025, 0, 1, 8); // a minute boundary

describe('device activity', () => {
  it('buckets messages per minute and keeps the last ACTIVITY_MINUTES', () => {
    const activity = emptyActivity();
    const last = ACTIVITY_MINUTES + 4;
    for (let m = 0; m <= last; m++) recordActivity(activity, T0 + m * MIN + 10, { readings: 2 });
    recordActivity(activity, T0 + last * MIN + 20, { rejected: true });
    recordActivity(activity, T0 + last * MIN + 30, { readings: 0, duplicates: 3 });

    expect(activity.minutes).toHaveLength(ACTIVITY_MINUTES);
    expect(activity.minutes[0]![0]).toBe(T0 + 5 * MIN);
    expect(activity.minutes.at(-1)).toEqual([T0 + last * MIN, 2, 1]);
    expect(activity).toMatchObject({
      messages: last + 3,
      readings: (last + 1) * 2,
      rejects: 1,
      duplicates: 3,
      lastMessageAt: T0 + last * MIN + 30,
    });
  });

  it.each<[string, number, { m1: number; m5: number; m15: number }]>([
    // 12 readings a minute for the last 20 minutes; asked half-way through a minute.
    ['steady 12/min', T0 + 20 * MIN + 30_000, { m1: 12, m5: 12, m15: 12 }],
    // …and nothing since: the rates decay.
    ['silent for 3 min', T0 + 23 * MIN, { m1: 0, m5: 4.8, m15: 9.6 }],
    ['silent for an hour', T0 + 80 * MIN, { m1: 0, m5: 0, m15: 0 }],
  ])('rates: %s', (_name, now, readingsPerMin) => {
    const activity = emptyActivity();
    for (let s = 0; s < 20 * 60; s += 5) recordActivity(activity, T0 + s * 1000, { readings: 1 });
    if (now < T0 + 21 * MIN)
      for (let s = 0; s < 30; s += 5) recordActivity(activity, T0 + 20 * MIN + s * 1000, { readings: 1 });
    expect(activityRates(activity, now).readingsPerMin).toEqual(readingsPerMin);
  });
});

describe('excerptPayload', () => {
  it.each<[string, Uint8Array, string]>([
    ['text as is', Buffer.from('{"metrics": {"x": 1'), '{"metrics": {"x": 1'],
    ['control characters replaced', Buffer.from('a\u0000b\u001bc\nd'), 'a\ufffdb\ufffdc\nd'],
    ['invalid UTF-8 replaced', Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]), '{\ufffd\ufffd}'],
    ['long payloads cut', Buffer.from('x'.repeat(5000)), `${'x'.repeat(PAYLOAD_EXCERPT_CHARS)}…`],
    ['a view into a larger buffer', Buffer.from('skip|keep').subarray(5), 'keep'],
  ])('%s', (_name, payload, excerpt) => {
    expect(excerptPayload(payload)).toBe(excerpt);
  });
});
