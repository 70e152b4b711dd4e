import { readFileSync } from 'node:fs';

/** This process's soft "Max open files", from /proc (Node has no getrlimit). */
export function openFileLimit(): number {
  const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
  return line?.[1] === undefined || line[1] === 'unlimited' ? Infinity : Number(line[1]);
}
