/**
 * Where the time goes: a V8 .cpuprofile (node --cpu-prof) folded into self time per function
 * and per area (a package under node_modules, a GridSense folder, Node internals, GC). Also
 * runs alone: `tsx bench/profile-summary.ts bench/profiles`.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO_ROOT } from './lib/child';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
}

export interface ProfileShare {
  name: string;
  share: number;
}

/** Which part of the system a script URL belongs to. */
export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  if (url.startsWith('node:')) return 'node internals';
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules) return modules[1] ?? url;
  const path = relative(REPO_ROOT, url.replace(/^file:\/\//, ''));
  const top = path.split('/').slice(0, path.startsWith('..') ? 0 : 2);
  return top.length > 0 ? top.join('/') : path;
}

export function foldProfile(profile: CpuProfile): {
  functions: ProfileShare[];
  areas: ProfileShare[];
  busy: number;
} {
  const hits = new Map<number, number>();
  if (profile.samples) for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  else for (const node of profile.nodes) hits.set(node.id, node.hitCount ?? 0);
  const byFunction = new Map<string, number>();
  const byArea = new Map<string, number>();
  let total = 0;
  let idle = 0;
  for (const node of profile.nodes) {
    const count = hits.get(node.id) ?? 0;
    total += count;
    const { functionName, url, lineNumber } = node.callFrame;
    if (functionName === '(idle)') {
      idle += count;
      continue;
    }
    const where = url ? `${relative(REPO_ROOT, url.replace(/^file:\/\//, ''))}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    byFunction.set(key, (byFunction.get(key) ?? 0) + count);
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + count);
  }
  const busy = total - idle;
  const top = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .map(([name, count]) => ({ name, share: busy > 0 ? count / busy : 0 }));
  return { functions: top(byFunction), areas: top(byArea), busy: total > 0 ? busy / total : 0 };
}

async function listProfiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(dir).catch(() => [] as string[])) {
    const path = join(dir, entry);
    if ((await stat(path)).isDirectory()) found.push(...(await listProfiles(path)));
    else if (entry.endsWith('.cpuprofile')) found.push(path);
  }
  return found;
}

/** A text summary of every profile under `dir`. */
export async function summarizeProfiles(dir: string, topN = 15): Promise<string> {
  const lines: string[] = [];
  for (const file of await listProfiles(dir)) {
    const folded = foldProfile(JSON.parse(await readFile(file, 'utf8')) as CpuProfile);
    const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)} %`;
    if (folded.busy < 0.1) {
      // e.g. tsx's module-loader thread: busy at start-up only.
      lines.push(`\nProfile ${relative(REPO_ROOT, file)} — busy ${pct(folded.busy)} of the time (skipped)`);
      continue;
    }
    lines.push(`\nProfile ${relative(REPO_ROOT, file)} — busy ${pct(folded.busy)} of the time; of that:`);
    lines.push('  by area:');
    for (const area of folded.areas.slice(0, 10)) lines.push(`    ${pct(area.share)}  ${area.name}`);
    lines.push('  by function (self time):');
    for (const fn of folded.functions.slice(0, topN)) lines.push(`    ${pct(fn.share)}  ${fn.name}`);
  }
  return lines.length > 0 ? lines.join('\n') : `no .cpuprofile files under ${dir}`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(await summarizeProfiles(process.argv[2] ?? join(REPO_ROOT, 'bench/profiles')));
}
