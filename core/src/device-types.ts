/** Standard device types from the device contract; the registry can add more. */
export interface MetricSpec {
  unit: string;
  kind: 'number' | 'boolean';
  min?: number;
  max?: number;
}

export interface DeviceTypeSpec {
  metrics: Record<string, MetricSpec>;
  events?: readonly string[];
}

const num = (unit: string, min: number, max: number): MetricSpec => ({
  unit,
  kind: 'number',
  min,
  max,
});
const bool: MetricSpec = { unit: '', kind: 'boolean' };

export const CAMERA_EVENT_TYPES = [
  'fire_smoke',
  'crowd_gathering',
  'illegal_parking',
  'garbage_overflow',
  'fall_detected',
  'high_altitude_throwing',
  'illegal_construction',
  'street_vending',
  'water_accumulation',
] as const;

export const STANDARD_DEVICE_TYPES = {
  smoke_detector: {
    metrics: {
      smoke: num('%obs/m', 0, 100),
      temperature: num('°C', -40, 125),
      battery: num('%', 0, 100),
    },
  },
  gas_detector: { metrics: { gas_lel: num('%LEL', 0, 100) } },
  electrical_fire: {
    metrics: { leakage_current: num('mA', 0, 5000), cable_temperature: num('°C', -40, 200) },
  },
  water_level: { metrics: { level: num('m', -10, 100) } },
  manhole_cover: { metrics: { tilt: num('deg', 0, 180), open: bool } },
  fire_hydrant: { metrics: { pressure: num('MPa', 0, 5) } },
  air_quality: { metrics: { pm25: num('µg/m³', 0, 2000), pm10: num('µg/m³', 0, 2000) } },
  noise: { metrics: { noise_db: num('dB(A)', 0, 160) } },
  structure_tilt: { metrics: { tilt_x: num('deg', -90, 90), tilt_y: num('deg', -90, 90) } },
  elevator: { metrics: { fault: bool, trapped: bool } },
  door_sensor: { metrics: { opened: bool } },
  camera: { metrics: {}, events: CAMERA_EVENT_TYPES },
} satisfies Record<string, DeviceTypeSpec>;

export type StandardDeviceType = keyof typeof STANDARD_DEVICE_TYPES;
export const STANDARD_DEVICE_TYPE_NAMES = Object.keys(STANDARD_DEVICE_TYPES) as StandardDeviceType[];

export function deviceTypeSpec(type: string): DeviceTypeSpec | undefined {
  return (STANDARD_DEVICE_TYPES as Record<string, DeviceTypeSpec>)[type];
}
