import type { SeriesPoint } from '@gridsense/core';

export interface Sparkline {
  /** One SVG path per run of non-null points (gaps stay gaps). */
  paths: string[];
  min: number;
  max: number;
}

/** Scales a series into a `width` × `height` box over the time range [from, to]. */
export function sparkline(
  points: readonly SeriesPoint[],
  width: number,
  height: number,
  from: number,
  to: number,
): Sparkline | null {
  const values = points.flatMap((point) => (point.value === null ? [] : [point.value]));
  if (values.length === 0 || to <= from) return null;
  const min = Math.min(...values);
  const max = Math.max(...values);
  const x = (ts: number): number => ((ts - from) / (to - from)) * width;
  const y = (value: number): number =>
    max === min ? height / 2 : height - ((value - min) / (max - min)) * height;
  const paths: string[] = [];
  let current = '';
  for (const point of [...points].sort((a, b) => a.ts - b.ts)) {
    if (point.value === null) {
      if (current) paths.push(current);
      current = '';
      continue;
    }
    current += `${current ? 'L' : 'M'}${x(point.ts).toFixed(1)},${y(point.value).toFixed(1)}`;
  }
  if (current) paths.push(current);
  return { paths, min, max };
}
