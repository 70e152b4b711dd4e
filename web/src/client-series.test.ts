import { describe, expect, it } from 'vitest';
import {
  alignSeries,
  foldReading,
  MAX_POINTS,
  pickWindowMs,
  presetRange,
  RANGE_KEYS,
  RANGE_MS,
  slideRange,
  startLiveSeries,
  summarize,
  tickFormat,
  trimBefore,
  zoomRange,
} from '../client/src/lib/series';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('pickWindowMs', () => {
  it.each([
    ['1 h', HOUR, 10 * SECOND],
    ['24 h', DAY, 5 * MINUTE],
    ['7 d', 7 * DAY, 30 * MINUTE],
    ['30 d', 30 * DAY, 2 * HOUR],
    ['a 2-minute zoom', 2 * MINUTE, SECOND],
    ['nothing', 0, SECOND],
  ])('picks a round window for %s', (_name, span, expected) => {
    expect(pickWindowMs(span)).toBe(expected);
  });

  it('keeps every preset within the point budget, and never below the API floor of 1 s', () => {
    for (const key of RANGE_KEYS) {
      const windowMs = pickWindowMs(RANGE_MS[key]);
      expect(RANGE_MS[key] / windowMs).toBeLessThanOrEqual(MAX_POINTS);
      expect(windowMs).toBeGreaterThanOrEqual(SECOND);
    }
  });

  it('goes past a week in whole days for very long spans', () => {
    expect(pickWindowMs(10 * 365 * DAY)).toBe(8 * DAY);
  });
});

describe('ranges', () => {
  const now = 1_800_000_000_000;

  it('ends a preset now and follows the clock', () => {
    expect(presetRange('24h', now)).toEqual({ from: now - DAY, to: now, key: '24h', follow: true });
    expect(slideRange(presetRange('1h', now), now + MINUTE)).toEqual({
      from: now + MINUTE - HOUR,
      to: now + MINUTE,
      key: '1h',
      follow: true,
    });
  });

  it('zooms to the dragged stretch in either direction, at least a minute wide', () => {
    expect(zoomRange(now - 2 * HOUR, now - HOUR, now)).toEqual({
      from: now - 2 * HOUR,
      to: now - HOUR,
      key: null,
      follow: false,
    });
    expect(zoomRange(now - HOUR, now - 2 * HOUR, now).from).toBe(now - 2 * HOUR);
    const narrow = zoomRange(now - 10 * SECOND, now - 20 * SECOND, now);
    expect(narrow.to - narrow.from).toBe(MINUTE);
    expect((narrow.to + narrow.from) / 2).toBe(now - 15 * SECOND);
  });

  it('keeps following when the zoom reaches now, and never slides a zoom', () => {
    expect(zoomRange(now - MINUTE * 5, now, now).follow).toBe(true);
    const zoomed = zoomRange(now - 2 * HOUR, now - HOUR, now);
    expect(slideRange(zoomed, now + HOUR)).toBe(zoomed);
  });
});

describe('alignSeries', () => {
  it('puts every series on the union of timestamps, in seconds, with gaps as null', () => {
    const a = [
      { ts: 10_000, value: 1 },
      { ts: 30_000, value: 3 },
    ];
    const b = [
      { ts: 20_000, value: 20 },
      { ts: 30_000, value: 30 },
    ];
    expect(alignSeries([a, b])).toEqual([
      [10, 20, 30],
      [1, null, 3],
      [null, 20, 30],
    ]);
  });

  it('sorts unsorted input and copes with no series at all', () => {
    expect(
      alignSeries([
        [
          { ts: 2000, value: 2 },
          { ts: 1000, value: 1 },
        ],
      ]),
    ).toEqual([
      [1, 2],
      [1, 2],
    ]);
    expect(alignSeries([])).toEqual([[]]);
  });
});

describe('foldReading', () => {
  const windowMs = 10 * SECOND;
  const fetched = startLiveSeries([
    { ts: 0, value: 2 },
    { ts: 10_000, value: 4 },
  ]);

  it.each([
    ['a reading in a new window appends it', 25_000, 9, 'mean', [20_000, 9], 1],
    ['a mean weighs the fetched window as one value', 12_000, 8, 'mean', [10_000, 6], 2],
    ['a max keeps the larger', 12_000, 3, 'max', [10_000, 4], 2],
    ['a boolean counts as 1', 25_000, true, 'max', [20_000, 1], 1],
  ] as const)('%s', (_name, ts, value, agg, last, tailCount) => {
    const next = foldReading(fetched, ts, value, windowMs, agg);
    expect(next.points.at(-1)).toEqual({ ts: last[0], value: last[1] });
    expect(next.tailCount).toBe(tailCount);
  });

  it('averages several live readings in one window evenly', () => {
    let series = foldReading(fetched, 21_000, 10, windowMs, 'mean');
    series = foldReading(series, 22_000, 20, windowMs, 'mean');
    series = foldReading(series, 23_000, 30, windowMs, 'mean');
    expect(series.points.at(-1)).toEqual({ ts: 20_000, value: 20 });
    expect(series.points).toHaveLength(3);
  });

  it('leaves a reading older than the last window to the next fetch', () => {
    expect(foldReading(fetched, 5000, 100, windowMs, 'mean')).toBe(fetched);
  });

  it('starts a series from nothing', () => {
    expect(foldReading(startLiveSeries([]), 15_000, 7, windowMs, 'mean').points).toEqual([
      { ts: 10_000, value: 7 },
    ]);
  });

  it('drops windows that slid out of view', () => {
    expect(trimBefore(fetched, 5000).points).toEqual([{ ts: 10_000, value: 4 }]);
    expect(trimBefore(fetched, 0)).toBe(fetched);
    expect(trimBefore(fetched, 60_000).points).toEqual([]);
  });
});

describe('summarize', () => {
  it('finds min, max and the newest value, skipping gaps', () => {
    expect(
      summarize([
        { ts: 3, value: 5 },
        { ts: 1, value: 9 },
        { ts: 2, value: null },
        { ts: 0, value: -1 },
      ]),
    ).toEqual({ min: -1, max: 9, latest: 5, count: 3 });
    expect(summarize([{ ts: 1, value: null }])).toBeNull();
  });
});

describe('tickFormat', () => {
  const ts = Date.UTC(2026, 10, 22, 6, 5); // 14:05 in Shanghai

  it.each([
    ['en', HOUR, /^14:05$/],
    ['zh-CN', DAY, /^14:05$/],
    ['en', 7 * DAY, /^11\/22.*14:05$/],
    ['zh-CN', 7 * DAY, /^11\/22.*14:05$/],
    ['en', 30 * DAY, /^11\/22$/],
  ])('%s over %d ms', (locale, span, expected) => {
    expect(tickFormat(locale, span, 'Asia/Shanghai').format(ts)).toMatch(expected);
  });
});
