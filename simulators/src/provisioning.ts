import { access, readFile, readdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { SimulatedDevice } from './device-connection';

/** The file the platform writes on its first start: every demo device's id, grid, type and secret. */
export const DATA_DIR_PROVISIONING_FILE = 'demo-devices.json';
/** The scenario files that ship with the simulator. */
export const SCENARIOS_DIR = resolve(import.meta.dirname, '../scenarios');

function isDevice(value: unknown): value is SimulatedDevice {
  if (typeof value !== 'object' || value === null) return false;
  const { id, gridId, type, secret } = value as Record<string, unknown>;
  return [id, gridId, type, secret].every((field) => typeof field === 'string');
}

/** Reads a provisioning file: a JSON array of {id, gridId, type, secret}. */
export async function readDevices(file: string): Promise<SimulatedDevice[]> {
  const parsed: unknown = JSON.parse(await readFile(file, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error(`${file}: expected a JSON array of devices`);
  const bad = parsed.findIndex((entry) => !isDevice(entry));
  if (bad >= 0) throw new Error(`${file}: entry ${bad} needs string id, gridId, type and secret`);
  return parsed as SimulatedDevice[];
}

/** The devices a platform issued, from its data dir (GRIDSENSE_DATA_DIR). */
export async function readDataDirDevices(dataDir: string): Promise<SimulatedDevice[]> {
  const file = join(dataDir, DATA_DIR_PROVISIONING_FILE);
  try {
    await access(file);
  } catch {
    throw new Error(`${file} not found: start the platform once with this data dir to seed its devices`);
  }
  return readDevices(file);
}

/** A scenario given by path, or by the name of a shipped one (`fire-in-grid`). */
export async function resolveScenarioFile(nameOrFile: string): Promise<string> {
  for (const candidate of [nameOrFile, join(SCENARIOS_DIR, `${nameOrFile}.json`)]) {
    try {
      await access(candidate);
      return candidate;
    } catch {
      // Try the next form.
    }
  }
  const shipped = await listScenarioNames();
  throw new Error(`no scenario "${nameOrFile}"; shipped: ${shipped.join(', ')}`);
}

export async function listScenarioNames(): Promise<string[]> {
  const files = await readdir(SCENARIOS_DIR);
  return files
    .filter((file) => file.endsWith('.json'))
    .map((file) => file.slice(0, -'.json'.length))
    .sort();
}
