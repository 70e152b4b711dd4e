import type { DutyKind, PolygonGeometry, Region, Role, Rule } from '@gridsense/core';
import { demoCaseUsers } from './demo-cases';

/**
 * The demo district, generated (not stored in the repo as data) so its shape is easy to read:
 * one district, 2 streets, 4 communities, 12 grids laid out as a 2 × 2 × 3 block plan near
 * Hangzhou, ~100 devices and the people responsible for them. Deterministic: same every start.
 */
export interface DemoUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  regionId: string;
  duties: { gridId: string; duty: DutyKind }[];
}

export interface DemoDevice {
  id: string;
  gridId: string;
  type: string;
  name: string;
  lat: number;
  lng: number;
}

export interface DemoDistrict {
  regions: Region[];
  users: DemoUser[];
  devices: DemoDevice[];
  rules: Rule[];
}

const WEST = 120.15;
const EAST = 120.19;
const SOUTH = 30.24;
const NORTH = 30.27;

const STREETS = [
  { id: 'S1', name: '望江街道', communities: ['江城社区', '秋涛社区'] },
  { id: 'S2', name: '湖滨街道', communities: ['东坡社区', '柳翠社区'] },
];

const SURNAMES = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋';
const GIVEN = [
  '建国',
  '秀英',
  '伟',
  '芳',
  '敏',
  '静',
  '磊',
  '洋',
  '艳',
  '勇',
  '军',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
];

function rectangle(west: number, south: number, east: number, north: number): PolygonGeometry {
  const ring: [number, number][] = [
    [west, south],
    [east, south],
    [east, north],
    [west, north],
    [west, south],
  ];
  return { type: 'Polygon', coordinates: [ring] };
}

/** Small deterministic PRNG (mulberry32), so device positions are the same on every machine. */
function seededRandom(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALWAYS = ['smoke_detector', 'smoke_detector', 'electrical_fire', 'camera'];
const ROTATING = [
  'gas_detector',
  'manhole_cover',
  'fire_hydrant',
  'air_quality',
  'noise',
  'structure_tilt',
  'elevator',
  'door_sensor',
  'water_level',
];
const DEVICE_NAMES: Record<string, string> = {
  smoke_detector: '烟感',
  gas_detector: '燃气探测器',
  electrical_fire: '电气火灾监测',
  water_level: '水位计',
  manhole_cover: '井盖',
  fire_hydrant: '消火栓',
  air_quality: '空气质量',
  noise: '噪声',
  structure_tilt: '房屋倾斜',
  elevator: '电梯',
  door_sensor: '独居老人门磁',
  camera: '智能摄像头',
};

export function buildDemoDistrict(): DemoDistrict {
  const random = seededRandom(20261122);
  const regions: Region[] = [
    {
      id: 'D1',
      level: 'district',
      parentId: null,
      name: '清河区',
      boundary: rectangle(WEST, SOUTH, EAST, NORTH),
    },
  ];
  const users: DemoUser[] = [
    {
      id: 'u-admin',
      username: 'admin',
      displayName: '系统管理员',
      role: 'admin',
      regionId: 'D1',
      duties: [],
    },
    {
      id: 'u-op1',
      username: 'op1',
      displayName: '指挥中心 值班员一',
      role: 'operator',
      regionId: 'D1',
      duties: [],
    },
    {
      id: 'u-op2',
      username: 'op2',
      displayName: '指挥中心 值班员二',
      role: 'operator',
      regionId: 'D1',
      duties: [],
    },
    {
      id: 'u-eng1',
      username: 'eng1',
      displayName: '物联网工程师',
      role: 'engineer',
      regionId: 'D1',
      duties: [],
    },
  ];
  const devices: DemoDevice[] = [];
  const personName = (n: number) => `${SURNAMES[n % SURNAMES.length]}${GIVEN[(n * 7) % GIVEN.length]}`;
  const streetWidth = (EAST - WEST) / STREETS.length;
  let gridNumber = 0;
  let workerNumber = 0;

  STREETS.forEach((street, s) => {
    const sWest = WEST + s * streetWidth;
    regions.push({
      id: street.id,
      level: 'street',
      parentId: 'D1',
      name: street.name,
      boundary: rectangle(sWest, SOUTH, sWest + streetWidth, NORTH),
    });
    street.communities.forEach((communityName, c) => {
      const communityId = `C${s * 2 + c + 1}`;
      const cSouth = c === 0 ? (SOUTH + NORTH) / 2 : SOUTH;
      const cNorth = c === 0 ? NORTH : (SOUTH + NORTH) / 2;
      regions.push({
        id: communityId,
        level: 'community',
        parentId: street.id,
        name: communityName,
        boundary: rectangle(sWest, cSouth, sWest + streetWidth, cNorth),
      });
      users.push({
        id: `u-sup${s * 2 + c + 1}`,
        username: `sup${s * 2 + c + 1}`,
        displayName: `${communityName}书记 ${personName(40 + s * 2 + c)}`,
        role: 'supervisor',
        regionId: communityId,
        duties: [],
      });
      for (let g = 0; g < 3; g++) {
        gridNumber++;
        const gridId = `G${String(gridNumber).padStart(2, '0')}`;
        const gWest = sWest + (g * streetWidth) / 3;
        const gEast = gWest + streetWidth / 3;
        regions.push({
          id: gridId,
          level: 'grid',
          parentId: communityId,
          name: `${communityName}第${g + 1}网格`,
          boundary: rectangle(gWest, cSouth, gEast, cNorth),
        });
        for (const duty of ['primary', 'backup'] as const) {
          workerNumber++;
          const number = String(workerNumber).padStart(2, '0');
          users.push({
            id: `u-worker${number}`,
            username: `worker${number}`,
            displayName: `网格员 ${personName(workerNumber)}`,
            role: 'grid_worker',
            regionId: gridId,
            duties: [{ gridId, duty }],
          });
        }
        const types = [
          ...ALWAYS,
          ...[0, 1, 2, 3].map((k) => ROTATING[(gridNumber * 4 + k) % ROTATING.length]!),
        ];
        if (gridNumber % 3 === 0) types.push('water_level');
        types.forEach((type, k) => {
          const lng = gWest + (0.1 + 0.8 * random()) * (gEast - gWest);
          const lat = cSouth + (0.1 + 0.8 * random()) * (cNorth - cSouth);
          devices.push({
            id: `${type.replace(/_.*/, '')}-${gridId}-${k + 1}`,
            gridId,
            type,
            name: `${regions.at(-1)!.name} ${DEVICE_NAMES[type]} ${k + 1}号`,
            lng: Number(lng.toFixed(6)),
            lat: Number(lat.toFixed(6)),
          });
        });
      }
    });
  });
  users.push(...demoCaseUsers());
  return { regions, users, devices, rules: DEMO_RULES };
}

export const DEMO_RULES: Rule[] = [
  {
    kind: 'threshold',
    id: 'smoke-high',
    name: '烟雾浓度超限',
    category: 'fire_safety',
    deviceType: 'smoke_detector',
    metric: 'smoke',
    bands: [
      { severity: 'warning', above: 5 },
      { severity: 'critical', above: 10 },
    ],
    clearAtOrBelow: 2,
  },
  {
    kind: 'threshold',
    id: 'gas-leak',
    name: '可燃气体泄漏',
    category: 'gas_safety',
    deviceType: 'gas_detector',
    metric: 'gas_lel',
    bands: [
      { severity: 'warning', above: 10 },
      { severity: 'critical', above: 25 },
    ],
    clearAtOrBelow: 5,
  },
  {
    kind: 'threshold',
    id: 'cable-overheat',
    name: '电缆温度过高',
    category: 'electrical_safety',
    deviceType: 'electrical_fire',
    metric: 'cable_temperature',
    bands: [
      { severity: 'warning', above: 70 },
      { severity: 'critical', above: 90 },
    ],
    clearAtOrBelow: 60,
  },
  {
    kind: 'threshold',
    id: 'waterlogging',
    name: '积水水位超警戒',
    category: 'flood',
    deviceType: 'water_level',
    metric: 'level',
    bands: [
      { severity: 'warning', above: 1 },
      { severity: 'critical', above: 1.5 },
    ],
    clearAtOrBelow: 0.8,
  },
  {
    kind: 'threshold',
    id: 'manhole-displaced',
    name: '井盖位移',
    category: 'facility',
    deviceType: 'manhole_cover',
    metric: 'tilt',
    bands: [{ severity: 'warning', above: 15 }],
    clearAtOrBelow: 5,
  },
  {
    kind: 'threshold',
    id: 'hydrant-pressure-low',
    name: '消火栓水压不足',
    category: 'fire_safety',
    deviceType: 'fire_hydrant',
    metric: 'pressure',
    // Municipal hydrants hold 0.25–0.4 MPa; under 0.1 a fire engine cannot draw from it.
    direction: 'below',
    bands: [
      { severity: 'warning', below: 0.1 },
      { severity: 'critical', below: 0.05 },
    ],
    clearAtOrAbove: 0.15,
  },
  {
    kind: 'threshold',
    id: 'smoke-battery-low',
    name: '烟感电量低',
    category: 'device_health',
    deviceType: 'smoke_detector',
    metric: 'battery',
    // A smoke alarm with a flat battery stays silent in a fire: replace it before it dies.
    direction: 'below',
    bands: [
      { severity: 'info', below: 20 },
      { severity: 'warning', below: 10 },
    ],
    clearAtOrAbove: 50,
  },
  {
    kind: 'threshold',
    id: 'elevator-trapped',
    name: '电梯困人',
    category: 'facility',
    deviceType: 'elevator',
    metric: 'trapped',
    bands: [{ severity: 'critical', above: 0.5 }],
    clearAtOrBelow: 0,
  },
  {
    kind: 'event',
    id: 'camera-fire',
    name: '视频识别烟火',
    category: 'fire_safety',
    eventType: 'fire_smoke',
    minConfidence: 0.7,
    severity: 'critical',
  },
  {
    kind: 'event',
    id: 'camera-garbage',
    name: '垃圾满溢',
    category: 'city_appearance',
    eventType: 'garbage_overflow',
    minConfidence: 0.6,
    severity: 'info',
  },
  {
    kind: 'event',
    id: 'camera-crowd',
    name: '人员聚集',
    category: 'public_order',
    eventType: 'crowd_gathering',
    minConfidence: 0.7,
    severity: 'warning',
  },
  {
    kind: 'rate',
    id: 'water-rising',
    name: '水位快速上涨',
    category: 'flood',
    deviceType: 'water_level',
    metric: 'level',
    windowSeconds: 600,
    bands: [{ severity: 'warning', above: 0.3 }],
    clearAtOrBelow: 0.05,
  },
  {
    kind: 'threshold',
    id: 'noise-night',
    name: '夜间噪声扰民',
    category: 'public_order',
    deviceType: 'noise',
    metric: 'noise_db',
    bands: [{ severity: 'info', above: 75 }],
    clearAtOrBelow: 65,
    forSeconds: 10,
    schedule: { windows: [{ start: '22:00', end: '06:00' }] },
  },
  {
    kind: 'threshold',
    id: 'pm25-high',
    name: '细颗粒物超标',
    category: 'environment',
    deviceType: 'air_quality',
    metric: 'pm25',
    bands: [
      { severity: 'info', above: 150 },
      { severity: 'warning', above: 250 },
    ],
    clearAtOrBelow: 75,
    repeat: { count: 3, of: 5 },
  },
  {
    kind: 'no_data',
    id: 'elderly-door-silent',
    name: '独居老人 24 小时未开门',
    category: 'elderly_care',
    deviceType: 'door_sensor',
    metric: 'opened',
    equals: true,
    silentForSeconds: 86_400,
    severity: 'warning',
  },
  {
    kind: 'offline',
    id: 'device-offline',
    name: '设备离线超过 10 分钟',
    category: 'device_health',
    forSeconds: 600,
    severity: 'info',
  },
  {
    kind: 'composite',
    id: 'fire-fusion',
    name: '火情研判（烟感 + 电气 + 视频）',
    category: 'fire_safety',
    match: 'all',
    groupBy: 'grid',
    withinSeconds: 120,
    severity: 'critical',
    conditions: [
      { deviceType: 'smoke_detector', metric: 'smoke', risesBy: 3, withinSeconds: 60 },
      { deviceType: 'electrical_fire', metric: 'cable_temperature', above: 70 },
      { eventType: 'fire_smoke', minConfidence: 0.7 },
    ],
  },
];
