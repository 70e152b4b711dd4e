import { describe, expect, it } from 'vitest';
import { parseCaseCommand } from './case-commands';
import { inEnglish } from './errors';

/** 到达 may carry the phone's position; anything else in its place is refused with the reason. */
describe('the arrival position of an arrive command', () => {
  const arrive = (position: unknown) => parseCaseCommand({ action: 'arrive', position });

  it('takes WGS-84 degrees with an accuracy in metres or none, and no position at all', () => {
    expect(arrive({ lat: 30.27, lng: 120.15, accuracyM: 12 })).toEqual({
      ok: true,
      command: { action: 'arrive', position: { lat: 30.27, lng: 120.15, accuracyM: 12 } },
    });
    expect(arrive({ lat: -90, lng: 180, accuracyM: null }).ok).toBe(true);
    expect(
      parseCaseCommand({ action: 'arrive', photos: ['/api/photos/0f8fad5b-d9cb-469f-a165-70867728950e.jpg'] })
        .ok,
    ).toBe(true);
  });

  it.each([
    ['a string', 'here', 'position must be an object with lat, lng and accuracyM'],
    ['a list', [30, 120], 'position must be an object with lat, lng and accuracyM'],
    ['lat out of range', { lat: 91, lng: 0, accuracyM: 5 }, 'position.lat must be a number from -90 to 90'],
    ['lng as text', { lat: 0, lng: '120', accuracyM: 5 }, 'position.lng must be a number from -180 to 180'],
    [
      'negative accuracy',
      { lat: 0, lng: 0, accuracyM: -1 },
      'position.accuracyM must be a number of metres from 0 to 100000, or null',
    ],
    [
      'missing accuracy',
      { lat: 0, lng: 0 },
      'position.accuracyM must be a number of metres from 0 to 100000, or null',
    ],
    [
      'extra fields',
      { lat: 0, lng: 0, accuracyM: 1, altitude: 3 },
      'position takes only lat, lng and accuracyM',
    ],
  ])('refuses %s', (_name, position, error) => {
    const parsed = arrive(position);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(inEnglish(parsed.errors)).toContain(error);
  });
});
