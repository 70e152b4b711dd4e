import { existsSync } from 'node:fs';
import { apiText, AppError } from '@gridsense/core';
import { openSync } from 'fontkit';

/** Where Debian and Ubuntu put a CJK font (fonts-wqy-microhei, fonts-noto-cjk), in order of preference. */
export const CJK_FONT_CANDIDATES: readonly string[] = [
  '/usr/share/fonts/truetype/wqy/wqy-microhei.ttc',
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc',
];

/** A font file for pdfkit; `name` picks the font inside a collection (.ttc). */
export interface PdfFont {
  path: string;
  name: string | undefined;
}

/** Face names read so far, per font file (null: a single font), so a file is parsed once. */
const FACE_NAMES = new Map<string, string | null>();

/**
 * The CJK font a PDF is written in: GRIDSENSE_PDF_FONT when set (the operator's choice, no
 * fallback), else the first candidate on this machine. None: 503, since the standard PDF fonts
 * cannot draw Chinese and a PDF of empty boxes would be worse than none.
 */
export function findPdfFont(
  configured: string | undefined,
  candidates: readonly string[] = CJK_FONT_CANDIDATES,
): PdfFont {
  const path = configured ? (existsSync(configured) ? configured : undefined) : candidates.find(existsSync);
  const missing = () => new AppError('unavailable', apiText('report.pdfNoFont'));
  if (path === undefined) throw missing();
  const known = FACE_NAMES.get(path);
  if (known !== undefined) return { path, name: known ?? undefined };
  let font: ReturnType<typeof openSync>;
  try {
    font = openSync(path);
  } catch {
    // Not a font file fontkit reads: as unusable as none.
    throw missing();
  }
  // pdfkit needs a collection's member by its PostScript name; the first is the regular face.
  const name = 'fonts' in font ? font.fonts[0]?.postscriptName : undefined;
  FACE_NAMES.set(path, name ?? null);
  return { path, name };
}
