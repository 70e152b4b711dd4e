/** Fitting grid names inside their polygons on a small screen, without measuring the DOM. */

/** Rough width in em: CJK and full-width forms are square, Latin and digits about 0.6 em. */
export function textEms(text: string): number {
  let ems = 0;
  for (const char of text) ems += char.codePointAt(0)! >= 0x2e80 ? 1 : 0.6;
  return ems;
}

export interface FittedLabel {
  /** Index of the chosen candidate. */
  index: number;
  size: number;
}

/**
 * The first candidate (longest first) that fits `maxWidth` at a font size between `minSize` and
 * `maxSize`, shrinking as needed; null when none fits (the label is left off).
 */
export function fitLabel(
  candidates: readonly string[],
  maxWidth: number,
  maxSize = 12,
  minSize = 9,
): FittedLabel | null {
  for (const [index, text] of candidates.entries()) {
    const ems = textEms(text);
    if (ems === 0) continue;
    const size = Math.min(maxSize, maxWidth / ems);
    if (size >= minSize) return { index, size: Math.round(size * 10) / 10 };
  }
  return null;
}
