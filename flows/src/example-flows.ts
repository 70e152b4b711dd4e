import { access, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const EXAMPLES_DIR = join(import.meta.dirname, '../examples');

/** Every example flow (flows/examples/*.json), as one Node-RED flow file's node list. */
export async function readExampleFlows(dir = EXAMPLES_DIR): Promise<unknown[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  const flows = await Promise.all(
    files.map(async (f) => JSON.parse(await readFile(join(dir, f), 'utf8')) as unknown[]),
  );
  return flows.flat();
}

/**
 * On the first start (no flow file yet) the examples become the deployed flows, so an engineer
 * opening /flows sees working scenarios. Later starts keep whatever engineers deployed.
 */
export async function installExampleFlows(flowFile: string, dir = EXAMPLES_DIR): Promise<boolean> {
  try {
    await access(flowFile);
    return false;
  } catch {
    await writeFile(flowFile, `${JSON.stringify(await readExampleFlows(dir), null, 2)}\n`);
    return true;
  }
}
