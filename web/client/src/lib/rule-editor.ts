import type { BacktestResult, Severity } from '@gridsense/core';

/** Parses the JSON editor's text; a syntax error names its line so the author can find it. */
export function parseRuleText(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    if (!position) return { ok: false, error: message };
    const line = text.slice(0, Number(position[1])).split('\n').length;
    return { ok: false, error: `line ${line}: ${message}` };
  }
}

/** A new rule's starting point: a valid threshold rule the author edits (named in their language). */
export const ruleTemplate = (name: string) => ({
  kind: 'threshold',
  id: 'new-rule',
  name,
  category: 'fire_safety',
  deviceType: 'smoke_detector',
  metric: 'smoke',
  bands: [
    { severity: 'warning', above: 5 },
    { severity: 'critical', above: 10 },
  ],
  clearAtOrBelow: 2,
});

/** Severity as a step height: 0 is clear, so a fired span shows as a raised block. */
export const SEVERITY_LEVEL: Record<Severity, number> = { info: 1, warning: 2, critical: 3 };

/**
 * The backtest as step series, one per device (the busiest first, at most `max`): each
 * transition sets the level until the next, from `from` to `to`. x in seconds, for uPlot.
 */
export function backtestColumns(
  result: BacktestResult,
  max = 3,
): { devices: string[]; columns: [number[], ...(number | null)[][]] } {
  const counts = new Map<string, number>();
  for (const change of result.transitions)
    counts.set(change.deviceId, (counts.get(change.deviceId) ?? 0) + 1);
  const devices = [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, max)
    .map(([id]) => id);
  const times = [
    ...new Set([
      result.from,
      result.to,
      ...result.transitions.filter((c) => devices.includes(c.deviceId)).map((c) => c.at),
    ]),
  ].sort((a, b) => a - b);
  const series = devices.map((device) => {
    const changes = result.transitions.filter((c) => c.deviceId === device).sort((a, b) => a.at - b.at);
    let level = 0;
    let next = 0;
    return times.map((time) => {
      while (next < changes.length && changes[next]!.at <= time) {
        const severity = changes[next]!.severity;
        level = severity ? SEVERITY_LEVEL[severity] : 0;
        next++;
      }
      return level;
    });
  });
  return { devices, columns: [times.map((time) => time / 1000), ...series] };
}
