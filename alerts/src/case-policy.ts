import type { Severity } from '@gridsense/core';

/** Deadlines per severity until the category × severity table of the cases issue lands. */
export const DEADLINES_MS: Record<Severity, { acceptWithinMs: number; resolveWithinMs: number }> = {
  critical: { acceptWithinMs: 10 * 60_000, resolveWithinMs: 2 * 3600_000 },
  warning: { acceptWithinMs: 30 * 60_000, resolveWithinMs: 8 * 3600_000 },
  info: { acceptWithinMs: 2 * 3600_000, resolveWithinMs: 24 * 3600_000 },
};

/** Short, readable case ids: C + yymmdd + 4 random base-32 characters. */
export function newCaseId(now: number, random: () => number = Math.random): string {
  const day = new Date(now).toISOString().slice(2, 10).replace(/-/g, '');
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let suffix = '';
  for (let i = 0; i < 4; i++) suffix += alphabet[Math.floor(random() * alphabet.length)];
  return `C${day}-${suffix}`;
}
