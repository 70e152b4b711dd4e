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
  /**
   * How often a working device of this type reports: telemetry, or for a type with nothing to
   * measure (a camera) its online status again as a heartbeat. Device health (device-report.ts)
   * calls a connected device "report overdue" once it has missed several of these.
   */
  reportIntervalMs: number;
}

const num = (unit: string, min: number, max: number): MetricSpec => ({
  unit,
  kind: 'number',
  min,
  max,
});
const bool: MetricSpec = { unit: '', kind: 'boolean' };
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

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

/**
 * Report intervals: neither the device contract nor the seeds state any (the seeds count devices,
 * 28 kinds in X区, not their cadence), so these are the usual figures for each kind of device in
 * the field. Mains-powered, always-connected devices report every minute or few minutes; battery
 * NB-IoT devices (smoke alarms, manhole covers, door sensors) sleep and send a status report a
 * couple of times a day, raising their alarms at once in between. Cameras follow GB/T 28181's
 * keepalive: every 60 s, offline after 3 missed.
 */
export const STANDARD_DEVICE_TYPES = {
  // Independent NB-IoT smoke alarm on a 10-year battery: a status report twice a day.
  smoke_detector: {
    metrics: {
      smoke: num('%obs/m', 0, 100),
      temperature: num('°C', -40, 125),
      battery: num('%', 0, 100),
    },
    reportIntervalMs: 12 * HOUR_MS,
  },
  // Mains-powered combustible gas detector (restaurant kitchens, bottled gas).
  gas_detector: { metrics: { gas_lel: num('%LEL', 0, 100) }, reportIntervalMs: 30 * MINUTE_MS },
  // 电气火灾监控探测器, mains-powered in the distribution box, measuring continuously.
  electrical_fire: {
    metrics: { leakage_current: num('mA', 0, 5000), cable_temperature: num('°C', -40, 200) },
    reportIntervalMs: 5 * MINUTE_MS,
  },
  // Waterlogging gauge on an underpass or low road: routine reports every 10 minutes.
  water_level: { metrics: { level: num('m', -10, 100) }, reportIntervalMs: 10 * MINUTE_MS },
  // Battery tilt sensor under the cover: alarms at once, a status report twice a day.
  manhole_cover: { metrics: { tilt: num('deg', 0, 180), open: bool }, reportIntervalMs: 12 * HOUR_MS },
  // Battery pressure sensor on the hydrant: hourly.
  fire_hydrant: { metrics: { pressure: num('MPa', 0, 5) }, reportIntervalMs: HOUR_MS },
  // Micro air station: 5-minute averages.
  air_quality: {
    metrics: { pm25: num('µg/m³', 0, 2000), pm10: num('µg/m³', 0, 2000) },
    reportIntervalMs: 5 * MINUTE_MS,
  },
  noise: { metrics: { noise_db: num('dB(A)', 0, 160) }, reportIntervalMs: 5 * MINUTE_MS },
  // Battery inclinometer on an old building or retaining wall: hourly.
  structure_tilt: {
    metrics: { tilt_x: num('deg', -90, 90), tilt_y: num('deg', -90, 90) },
    reportIntervalMs: HOUR_MS,
  },
  // Elevator monitoring terminal in the machine room, mains-powered and always connected.
  elevator: { metrics: { fault: bool, trapped: bool }, reportIntervalMs: MINUTE_MS },
  // Battery door contact (独居老人 care): each opening at once, a status report twice a day.
  door_sensor: { metrics: { opened: bool }, reportIntervalMs: 12 * HOUR_MS },
  // AI camera: events when it sees something, its online status as a heartbeat every minute.
  camera: { metrics: {}, events: CAMERA_EVENT_TYPES, reportIntervalMs: MINUTE_MS },
} satisfies Record<string, DeviceTypeSpec>;

export type StandardDeviceType = keyof typeof STANDARD_DEVICE_TYPES;
export const STANDARD_DEVICE_TYPE_NAMES = Object.keys(STANDARD_DEVICE_TYPES) as StandardDeviceType[];

export function deviceTypeSpec(type: string): DeviceTypeSpec | undefined {
  return (STANDARD_DEVICE_TYPES as Record<string, DeviceTypeSpec>)[type];
}
