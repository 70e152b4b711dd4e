import { describe, expect, it } from 'vitest';
import { retentionCutoffs } from './retention';

const NOW = Date.UTC(2025, 5, 1);
const DAY = 86_400_000;

describe('retentionCutoffs', () => {
  it.each([
    [{ raw: 0, minuteRollups: 0, hourRollups: 0 }, {}],
    [{ raw: 30, minuteRollups: 0, hourRollups: 0 }, { rawBefore: NOW - 30 * DAY }],
    [
      { raw: 7, minuteRollups: 90, hourRollups: 3650 },
      { rawBefore: NOW - 7 * DAY, minuteRollupsBefore: NOW - 90 * DAY, hourRollupsBefore: NOW - 3650 * DAY },
    ],
  ])('%o → %o', (days, cutoffs) => {
    expect(retentionCutoffs(days, NOW)).toEqual(cutoffs);
  });
});
