import type { CaseCategoryNode, CaseSla, Severity, SlaEntry } from '@gridsense/core';

/**
 * A realistic slice of a district's case taxonomy (大类 → 小类 → 子类; X区 in seed 004 has 28
 * categories, 322 subcategories and 1000+ types). zh-CN names, English keys; `matches` ties a
 * rule id or camera event type to its type.
 */
type Tree = [
  key: string,
  name: string,
  safety: boolean,
  subs: [key: string, name: string, types: [string, string, string[]?][]][],
];

const TREE: Tree[] = [
  [
    'fire_safety',
    '消防安全',
    true,
    [
      [
        'alarm',
        '火情告警',
        [
          ['smoke', '烟感告警', ['smoke-high']],
          ['video_fire', '视频识别烟火', ['camera-fire', 'fire_smoke']],
          ['fused', '多源火情研判', ['fire-fusion']],
          ['citizen_report', '群众报警'],
        ],
      ],
      [
        'hazard',
        '消防隐患',
        [
          ['blocked_exit', '消防通道堵塞'],
          ['corridor_storage', '楼道堆物'],
          ['ebike_charging', '电动车违规充电'],
          ['hydrant_fault', '消火栓故障', ['hydrant-pressure-low']],
        ],
      ],
      [
        'fire',
        '火灾',
        [
          ['building_fire', '建筑火灾'],
          ['vehicle_fire', '车辆起火'],
        ],
      ],
    ],
  ],
  [
    'gas_safety',
    '燃气安全',
    true,
    [
      [
        'leak',
        '燃气泄漏',
        [
          ['sensor_alarm', '可燃气体报警', ['gas-leak']],
          ['smell', '闻到燃气味'],
        ],
      ],
      [
        'pipeline',
        '燃气管线',
        [
          ['pipe_damage', '管线破损'],
          ['illegal_use', '违规用气'],
        ],
      ],
    ],
  ],
  [
    'electrical_safety',
    '用电安全',
    true,
    [
      [
        'overheat',
        '线缆过热',
        [
          ['cable_overheat', '电缆温度过高', ['cable-overheat']],
          ['leakage', '剩余电流超限'],
        ],
      ],
      ['illegal_wiring', '私拉乱接', [['flying_lead', '飞线充电']]],
    ],
  ],
  [
    'flood',
    '防汛排涝',
    true,
    [
      [
        'waterlogging',
        '道路积水',
        [
          ['road_water', '积水超警戒', ['waterlogging', 'water_accumulation']],
          ['rising', '水位快速上涨', ['water-rising']],
          ['underpass', '下穿通道积水'],
        ],
      ],
      ['drainage', '排水设施', [['drain_blocked', '雨水口堵塞']]],
    ],
  ],
  [
    'structural_safety',
    '房屋安全',
    true,
    [
      ['monitoring', '监测告警', [['tilt_alarm', '房屋倾斜告警']]],
      [
        'dangerous_building',
        '危房隐患',
        [
          ['wall_crack', '墙体开裂'],
          ['falling_object', '外立面脱落'],
        ],
      ],
    ],
  ],
  [
    'facility',
    '市政设施',
    false,
    [
      [
        'manhole',
        '井盖',
        [
          ['displaced', '井盖位移', ['manhole-displaced']],
          ['missing', '井盖缺失'],
        ],
      ],
      [
        'elevator',
        '电梯',
        [
          ['trapped', '电梯困人', ['elevator-trapped']],
          ['fault', '电梯故障'],
        ],
      ],
      ['streetlight', '路灯', [['light_out', '路灯不亮']]],
    ],
  ],
  [
    'city_appearance',
    '市容环卫',
    false,
    [
      [
        'garbage',
        '垃圾',
        [
          ['overflow', '垃圾满溢', ['camera-garbage', 'garbage_overflow']],
          ['illegal_dumping', '乱倒垃圾'],
        ],
      ],
      [
        'street_order',
        '街面秩序',
        [
          ['street_vending', '占道经营', ['street_vending']],
          ['illegal_ads', '乱张贴'],
        ],
      ],
    ],
  ],
  [
    'public_order',
    '社会治安',
    false,
    [
      ['gathering', '人员聚集', [['crowd', '人员聚集', ['camera-crowd', 'crowd_gathering']]]],
      [
        'dispute',
        '矛盾纠纷',
        [
          ['neighbour', '邻里纠纷'],
          ['property_dispute', '物业纠纷'],
        ],
      ],
      ['high_altitude', '高空抛物', [['throwing', '高空抛物', ['high_altitude_throwing']]]],
      ['noise', '噪声', [['night_noise', '夜间噪声扰民', ['noise-night']]]],
    ],
  ],
  [
    'construction',
    '违法建设',
    false,
    [
      [
        'illegal_building',
        '违法搭建',
        [
          ['rooftop', '屋顶违建'],
          ['enclosure', '违规圈占'],
        ],
      ],
      ['illegal_construction', '违法施工', [['night_work', '夜间施工扰民', ['illegal_construction']]]],
      ['illegal_land_use', '违法用地', [['occupation', '违规占地']]],
    ],
  ],
  [
    'environment',
    '生态环境',
    false,
    [
      [
        'air',
        '大气污染',
        [
          ['pm25', '细颗粒物超标', ['pm25-high']],
          ['dust', '工地扬尘'],
          ['cooking_fume', '油烟扰民'],
        ],
      ],
      ['noise', '噪声扰民', [['noise_complaint', '噪声投诉']]],
    ],
  ],
  [
    'traffic',
    '交通秩序',
    false,
    [['parking', '违章停车', [['illegal_parking', '违章停车', ['illegal_parking']]]]],
  ],
  [
    'elderly_care',
    '独居老人关爱',
    false,
    [
      [
        'alert',
        '异常提醒',
        [
          ['door_silent', '长时间未开门', ['elderly-door-silent']],
          ['fall', '跌倒求助', ['fall_detected']],
        ],
      ],
    ],
  ],
  ['power_outage', '停电', false, [['area', '片区停电', [['community_outage', '社区停电']]]]],
  ['network_outage', '网络中断', false, [['area', '片区断网', [['street_outage', '街道断网']]]]],
  [
    'device_health',
    '设备健康',
    false,
    [['offline', '设备离线', [['sensor_offline', '感知设备离线', ['device-offline']]]]],
  ],
];

/**
 * Patrol and hotline reports wait for 立案 by the desk, except safety hazards: a gas smell or a
 * blocked fire exit is registered at once, as a sensor alarm is (decision 0029).
 */
export function buildStandardTaxonomy(): CaseCategoryNode[] {
  const nodes: CaseCategoryNode[] = [];
  for (const [key, name, safety, subs] of TREE) {
    nodes.push({ key, level: 'category', name, safety, matches: [], autoRegister: safety });
    for (const [subKey, subName, types] of subs) {
      nodes.push({ key: `${key}.${subKey}`, level: 'subcategory', name: subName, safety, matches: [] });
      for (const [typeKey, typeName, matches] of types)
        nodes.push({
          key: `${key}.${subKey}.${typeKey}`,
          level: 'type',
          name: typeName,
          safety,
          matches: matches ?? [],
        });
    }
  }
  return nodes;
}

const sla = (accept: string, arrive: string, resolve: string, repeat: number, escalate: number): CaseSla => ({
  accept,
  arrive,
  resolve,
  repeatEveryMinutes: repeat,
  escalateEveryMinutes: escalate,
});

/**
 * Deadlines per category × severity (accept / arrive / resolve, nag and escalation intervals).
 * Seed 004: a transferred case is accepted and dispatched within 2 hours; safety hazards get an
 * on-site check within 1 working day; complaints are resolved within 15 working days.
 */
const SLA_TABLE: Record<string, Partial<Record<Severity, CaseSla>>> = {
  '*': {
    critical: sla('10m', '30m', '2h', 5, 15),
    warning: sla('30m', '2h', '8h', 15, 60),
    info: sla('2h', '1wd', '5wd', 60, 240),
  },
  fire_safety: {
    critical: sla('5m', '15m', '2h', 3, 10),
    warning: sla('15m', '1h', '1wd', 10, 30),
    info: sla('2h', '1wd', '3wd', 60, 240),
  },
  gas_safety: {
    critical: sla('5m', '15m', '4h', 3, 10),
    warning: sla('15m', '1h', '1wd', 10, 30),
    info: sla('2h', '1wd', '3wd', 60, 240),
  },
  electrical_safety: {
    critical: sla('10m', '30m', '4h', 5, 15),
    warning: sla('30m', '2h', '1wd', 15, 60),
    info: sla('2h', '1wd', '3wd', 60, 240),
  },
  flood: {
    critical: sla('10m', '30m', '6h', 5, 15),
    warning: sla('30m', '1h', '1wd', 15, 60),
    info: sla('2h', '4h', '2wd', 60, 240),
  },
  structural_safety: {
    critical: sla('10m', '1h', '1wd', 5, 15),
    warning: sla('2h', '1wd', '5wd', 30, 120),
    info: sla('2h', '1wd', '10wd', 60, 480),
  },
  facility: {
    critical: sla('5m', '15m', '2h', 3, 10),
    warning: sla('30m', '4h', '2wd', 15, 60),
    info: sla('2h', '1wd', '5wd', 60, 480),
  },
  city_appearance: { warning: sla('2h', '1wd', '3wd', 30, 240), info: sla('2h', '1wd', '5wd', 60, 480) },
  public_order: {
    critical: sla('5m', '15m', '2h', 3, 10),
    warning: sla('30m', '1h', '1wd', 15, 60),
    info: sla('2h', '1wd', '5wd', 60, 480),
  },
  construction: { warning: sla('2h', '1wd', '10wd', 60, 480), info: sla('2h', '2wd', '15wd', 120, 960) },
  environment: { warning: sla('2h', '1wd', '5wd', 60, 480), info: sla('2h', '2wd', '15wd', 120, 960) },
  elderly_care: { critical: sla('5m', '20m', '2h', 3, 10), warning: sla('30m', '2h', '1wd', 15, 60) },
  power_outage: { critical: sla('15m', '1h', '8h', 10, 30), warning: sla('30m', '2h', '1wd', 15, 60) },
  device_health: { warning: sla('4h', '1wd', '3wd', 120, 480), info: sla('1wd', '2wd', '5wd', 240, 960) },
};

export function buildStandardSlas(): SlaEntry[] {
  return Object.entries(SLA_TABLE).flatMap(([category, bySeverity]) =>
    (Object.entries(bySeverity) as [Severity, CaseSla][]).map(([severity, value]) => ({
      category,
      severity,
      sla: value,
    })),
  );
}
