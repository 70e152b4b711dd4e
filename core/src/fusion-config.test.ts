import { describe, expect, it } from 'vitest';
import { inEnglish } from './errors';
import { DEFAULT_FUSION_CONFIG, validateFusionConfig as check } from './fusion-config';

/** The result with its problems as the API words them in English. */
function validateFusionConfig(input: unknown, categories: readonly string[]) {
  const result = check(input, categories);
  return result.ok ? result : { ...result, errors: inEnglish(result.errors) };
}

const CATEGORIES = [
  'fire_safety',
  'electrical_safety',
  'gas_safety',
  'flood',
  'structural_safety',
  'power_outage',
  'network_outage',
  'device_health',
  'facility',
];
const fire = {
  key: 'fire',
  categories: ['fire_safety'],
  deviceTypes: ['smoke_detector'],
  radiusM: 300,
  windowMs: 600_000,
};

describe('fusion settings', () => {
  it('takes the defaults as they are', () => {
    expect(validateFusionConfig(DEFAULT_FUSION_CONFIG, CATEGORIES)).toEqual({
      ok: true,
      config: DEFAULT_FUSION_CONFIG,
    });
  });

  it('takes an empty set: nothing fuses, nothing is suppressed', () => {
    expect(validateFusionConfig({ groups: [], suppression: [] }, CATEGORIES)).toEqual({
      ok: true,
      config: { groups: [], suppression: [] },
    });
  });

  it.each([
    [{ groups: 'x', suppression: [] }, ['groups must be a list']],
    [{ groups: [{ ...fire, key: 'Fire!' }], suppression: [] }, ['groups[0].key must be a key (a-z, 0-9, _)']],
    [{ groups: [fire, fire], suppression: [] }, ['groups[1].key fire is used twice']],
    [
      { groups: [{ ...fire, categories: ['fire_safety', 'arson'] }], suppression: [] },
      ['groups[0].categories: arson not a category'],
    ],
    [
      { groups: [{ ...fire, deviceTypes: [] }], suppression: [] },
      ['groups[0].deviceTypes must be a list of 1 to 50 keys'],
    ],
    [
      { groups: [{ ...fire, radiusM: 0 }], suppression: [] },
      ['groups[0].radiusM must be a whole number from 1 to 5000'],
    ],
    [
      { groups: [{ ...fire, radiusM: 10_000 }], suppression: [] },
      ['groups[0].radiusM must be a whole number from 1 to 5000'],
    ],
    [
      { groups: [{ ...fire, windowMs: 1000 }], suppression: [] },
      ['groups[0].windowMs must be a whole number from 60000 to 86400000'],
    ],
    [
      {
        groups: [],
        suppression: [{ parentCategories: ['power_outage'], scope: 'city', childCategories: ['facility'] }],
      },
      ['suppression[0].scope must be one of district, street, community, grid'],
    ],
    [
      {
        groups: [],
        suppression: [
          {
            parentCategories: ['facility'],
            scope: 'community',
            childCategories: ['facility', 'device_health'],
          },
        ],
      },
      ['suppression[0]: facility cannot be both parent and child'],
    ],
    [
      { groups: Array.from({ length: 51 }, (_, i) => ({ ...fire, key: `g${i}` })), suppression: [] },
      ['groups may hold at most 50 entries'],
    ],
  ])('refuses %j, saying why', (input, errors) => {
    expect(validateFusionConfig(input, CATEGORIES)).toEqual({ ok: false, errors });
  });

  it('names the field and the keys at fault as parameters, for each language to word', () => {
    expect(check({ groups: [{ ...fire, categories: ['arson'] }], suppression: [] }, CATEGORIES)).toEqual({
      ok: false,
      errors: [{ key: 'fusion.notCategories', params: { field: 'groups[0].categories', values: 'arson' } }],
    });
  });

  it('refuses what is not an object with both lists', () => {
    expect(validateFusionConfig(null, CATEGORIES)).toEqual({
      ok: false,
      errors: ['groups must be a list', 'suppression must be a list'],
    });
  });
});
