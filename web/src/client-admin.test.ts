import { describe, expect, it } from 'vitest';
import { sortDetails } from '../client/src/lib/field-details';

describe('sortDetails: the API validation details beside the form fields', () => {
  it('files each detail under the field it starts with, longest name first, aliases too', () => {
    const errors = sortDetails(
      [
        'regionId is required',
        'region G99 does not exist',
        'leadUserId is required',
        'lead must be a handler reference',
        'something else broke',
      ],
      ['lead', 'leadUserId', 'regionId'],
      { region: 'regionId' },
    );
    expect(errors.byField).toEqual({
      regionId: ['regionId is required', 'region G99 does not exist'],
      leadUserId: ['leadUserId is required'],
      lead: ['lead must be a handler reference'],
    });
    expect(errors.general).toEqual(['something else broke']);
  });
});
