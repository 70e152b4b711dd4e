import type { DispatchRule, RosterShift } from '@gridsense/core';
import { appendAudit } from '../audit.repository';
import { insertDepartment, type Department } from '../case-config.repository';
import type { StateDb } from '../database';
import { addDepartmentMember } from '../user.repository';
import type { DemoUser } from './demo-district';
import { seedStandardCaseConfig } from '../district/standard-case-config';

/** Departments that receive cases of their matters (条), beside the grids (块). */
export const DEMO_DEPARTMENTS: Department[] = [
  { id: 'dept-fire', name: '区消防救援大队', regionId: 'D1' },
  { id: 'dept-cgj', name: '区城市管理局', regionId: 'D1' },
  { id: 'dept-scjg', name: '区市场监督管理局', regionId: 'D1' },
];

/** Handlers in the departments, and a command-centre desk on each street (街道城运中心). */
export function demoCaseUsers(): (DemoUser & {
  departmentId?: string;
  departmentDuty?: 'primary' | 'backup';
})[] {
  const handler = (id: string, name: string, departmentId: string, departmentDuty: 'primary' | 'backup') => ({
    id: `u-${id}`,
    username: id,
    displayName: name,
    role: 'handler' as const,
    regionId: 'D1',
    duties: [],
    departmentId,
    departmentDuty,
  });
  return [
    {
      id: 'u-street1',
      username: 'street1',
      displayName: '望江街道城运中心 值班长',
      role: 'supervisor',
      regionId: 'S1',
      duties: [],
    },
    {
      id: 'u-street2',
      username: 'street2',
      displayName: '湖滨街道城运中心 值班长',
      role: 'supervisor',
      regionId: 'S2',
      duties: [],
    },
    handler('fire1', '消防救援大队 值班员 陈刚', 'dept-fire', 'primary'),
    handler('fire2', '消防救援大队 值班员 林涛', 'dept-fire', 'backup'),
    handler('cgj1', '城管局 执法队员 周明', 'dept-cgj', 'primary'),
    handler('cgj2', '城管局 执法队员 吴娟', 'dept-cgj', 'backup'),
    handler('scjg1', '市场监管局 特种设备科 郑磊', 'dept-scjg', 'primary'),
  ];
}

const rule = (
  id: string,
  match: string,
  regionId: string,
  lead: DispatchRule['lead'],
  coHandlers: DispatchRule['coHandlers'],
  note: string,
): DispatchRule => ({
  id,
  match,
  regionId,
  lead,
  coHandlers,
  enabled: true,
  note,
});
const grid = { kind: 'grid_duty' } as const;
const community = { kind: 'community' } as const;
const street = { kind: 'street' } as const;
const dept = (departmentId: string) => ({ kind: 'department', departmentId }) as const;

/** "One matter, one list": who leads and who co-handles each matter, district-wide unless narrowed. */
export const DEMO_DISPATCH_RULES: DispatchRule[] = [
  rule('default', '*', 'D1', grid, [], '兜底：属地网格员'),
  rule('fire', 'fire_safety', 'D1', grid, [community], '火情先由网格员现场核实，社区协办'),
  rule(
    'fire-real',
    'fire_safety.fire',
    'D1',
    dept('dept-fire'),
    [grid, community],
    '确认起火：消防主办，网格与社区协办',
  ),
  rule('gas', 'gas_safety', 'D1', grid, [community], '燃气报警：网格员现场核实'),
  rule('electrical', 'electrical_safety', 'D1', grid, [community], '用电隐患：网格员主办'),
  rule('flood', 'flood', 'D1', grid, [street], '积水：网格员主办，街道协调排涝'),
  rule('structure', 'structural_safety', 'D1', grid, [street], '房屋安全：网格员主办，街道协办'),
  rule('elevator', 'facility.elevator', 'D1', grid, [dept('dept-scjg')], '电梯：网格员到场，市场监管协办'),
  rule('appearance', 'city_appearance', 'D1', dept('dept-cgj'), [grid], '市容：城管主办，网格员协办'),
  rule(
    'vending-s2',
    'city_appearance.street_order',
    'S2',
    grid,
    [dept('dept-cgj')],
    '湖滨街道：占道经营由网格员先劝导',
  ),
  rule('construction', 'construction', 'D1', dept('dept-cgj'), [grid], '三违：城管主办'),
  rule('power', 'power_outage', 'D1', community, [street], '停电：社区主办，街道协办'),
];

/** The fire department's day and night watch; outside both, its standing primary and backup. */
export const DEMO_ROSTERS: RosterShift[] = [
  {
    scopeKind: 'department',
    scopeId: 'dept-fire',
    userId: 'u-fire1',
    duty: 'primary',
    weekdays: [1, 2, 3, 4, 5, 6, 7],
    startMinute: 8 * 60,
    endMinute: 20 * 60,
  },
  {
    scopeKind: 'department',
    scopeId: 'dept-fire',
    userId: 'u-fire2',
    duty: 'primary',
    weekdays: [1, 2, 3, 4, 5, 6, 7],
    startMinute: 20 * 60,
    endMinute: 8 * 60,
  },
];

/**
 * Seeds the standard case configuration and the demo's departments, dispatch rules and rosters
 * (inside the demo seed's transaction), with one audit entry.
 */
export async function seedDemoCaseConfig(
  tx: StateDb,
  users: ReturnType<typeof demoCaseUsers>,
  now: number,
): Promise<void> {
  const { categories } = await seedStandardCaseConfig(tx);
  await tx
    .insertInto('dispatch_rules')
    .values(
      DEMO_DISPATCH_RULES.map((r, sort) => ({
        id: r.id,
        match: r.match,
        region_id: r.regionId,
        lead: JSON.stringify(r.lead),
        co_handlers: JSON.stringify(r.coHandlers),
        enabled: 1,
        note: r.note,
        sort,
      })),
    )
    .execute();
  for (const department of DEMO_DEPARTMENTS) await insertDepartment(tx, department);
  for (const user of users)
    if (user.departmentId && user.departmentDuty)
      await addDepartmentMember(tx, user.departmentId, user.id, user.departmentDuty);
  await tx
    .insertInto('roster_shifts')
    .values(
      DEMO_ROSTERS.map((s) => ({
        scope_kind: s.scopeKind,
        scope_id: s.scopeId,
        user_id: s.userId,
        duty: s.duty,
        weekdays: s.weekdays.join(','),
        start_minute: s.startMinute,
        end_minute: s.endMinute,
      })),
    )
    .execute();
  await appendAudit(tx, [
    {
      at: now,
      actorId: 'system',
      actorName: '系统 GridSense',
      action: 'admin.demo_case_rules_seeded',
      entityType: 'config',
      entityId: 'demo',
      data: {
        categories,
        dispatchRules: DEMO_DISPATCH_RULES.length,
        departments: DEMO_DEPARTMENTS.length,
      },
    },
  ]);
}
