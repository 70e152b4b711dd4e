import { describe, expect, it } from 'vitest';
import type { Region, Role } from './model';
import { ACTIONS, authorize, can, PERMISSIONS, refusalFor, resourceIn } from './permissions';

const region = (id: string, level: Region['level'], parentId: string | null): Region => ({
  id,
  level,
  parentId,
  name: id,
  boundary: null,
});
const REGIONS = [
  region('D1', 'district', null),
  region('S1', 'street', 'D1'),
  region('C1', 'community', 'S1'),
  region('G01', 'grid', 'C1'),
  region('S2', 'street', 'D1'),
  region('C3', 'community', 'S2'),
  region('G07', 'grid', 'C3'),
];
const ROLES: Role[] = ['grid_worker', 'supervisor', 'handler', 'operator', 'engineer', 'admin'];

describe('can', () => {
  it.each(ACTIONS.flatMap((action) => ROLES.map((role) => [action, role] as const)))(
    '%s by %s follows the table',
    (action, role) => {
      const allowed = (PERMISSIONS[action].roles as readonly Role[]).includes(role);
      expect(can({ role, regionId: 'D1' }, action)).toBe(allowed);
      if (!allowed)
        expect(() => authorize({ role, regionId: 'D1' }, action)).toThrow(refusalFor(action, role));
    },
  );

  it('a scoped action needs the resource inside the person’s region', () => {
    const engineer = { role: 'engineer' as const, regionId: 'S1' };
    expect(can(engineer, 'rule.write', resourceIn(REGIONS, 'G01'))).toBe(true);
    expect(can(engineer, 'rule.write', resourceIn(REGIONS, 'S1'))).toBe(true);
    expect(can(engineer, 'rule.write', resourceIn(REGIONS, 'G07'))).toBe(false);
    // Above the person's region is outside it too.
    expect(can(engineer, 'rule.write', resourceIn(REGIONS, 'D1'))).toBe(false);
    expect(can(engineer, 'rule.write', resourceIn(REGIONS, 'nowhere'))).toBe(false);
    expect(() => authorize(engineer, 'rule.write', resourceIn(REGIONS, 'G07'))).toThrow(
      'outside your region',
    );
  });

  it('early warnings: the command centre and supervisors, in their region’s subtree only', () => {
    const supervisor = { role: 'supervisor' as const, regionId: 'C1' };
    expect(can(supervisor, 'warning.act', resourceIn(REGIONS, 'C1'))).toBe(true);
    expect(can(supervisor, 'warning.act', resourceIn(REGIONS, 'G01'))).toBe(true);
    // A street-level warning lies above a community supervisor's region.
    expect(can(supervisor, 'warning.read', resourceIn(REGIONS, 'S1'))).toBe(false);
    expect(can(supervisor, 'warning.read', resourceIn(REGIONS, 'C3'))).toBe(false);
    expect(can({ role: 'grid_worker', regionId: 'G01' }, 'warning.read')).toBe(false);
  });

  it('不予立案 and 非属地: the command centre, and a street supervisor only over their street', () => {
    const street = { role: 'supervisor' as const, regionId: 'S1' };
    for (const action of ['case.decline', 'case.return_upstream'] as const) {
      expect(can(street, action, resourceIn(REGIONS, 'G01'))).toBe(true);
      expect(can(street, action, resourceIn(REGIONS, 'G07'))).toBe(false);
      expect(can({ role: 'operator', regionId: 'D1' }, action, resourceIn(REGIONS, 'G07'))).toBe(true);
      expect(can({ role: 'grid_worker', regionId: 'G01' }, action, resourceIn(REGIONS, 'G01'))).toBe(false);
      expect(can({ role: 'handler', regionId: 'D1' }, action)).toBe(false);
    }
  });

  it('an unscoped action ignores the resource', () => {
    expect(can({ role: 'engineer', regionId: 'S1' }, 'flows.edit', resourceIn(REGIONS, 'G07'))).toBe(true);
  });

  it('a refusal can name the role', () => {
    expect(refusalFor('case.report', 'handler')).toBe('handler may not file patrol reports');
  });
});
