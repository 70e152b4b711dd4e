import { existsSync } from 'node:fs';
import { AppError } from '@gridsense/core';
import { describe, expect, it } from 'vitest';
import { CJK_FONT_CANDIDATES, findPdfFont } from './pdf-font';

/** CI installs fonts-wqy-microhei; a machine without it skips the collection case. */
const WQY = CJK_FONT_CANDIDATES[0]!;

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('no refusal');
}

describe('the CJK font PDFs are drawn in', () => {
  it('answers 503 with a clear message when the configured font is not there', () => {
    const error = refusal(() => findPdfFont('/no/such/font.ttc'));
    expect(error.status).toBe(503);
    expect(error.text).toEqual({ key: 'report.pdfNoFont' });
    expect(error.message).toMatch(/no Chinese font.*GRIDSENSE_PDF_FONT/);
  });

  it('does not fall back to a system font when the configured one is missing', () => {
    expect(refusal(() => findPdfFont('/no/such/font.ttf', [WQY])).status).toBe(503);
  });

  it('answers 503 when none of the usual places has a font', () => {
    expect(refusal(() => findPdfFont(undefined, ['/no/such/a.ttc', '/no/such/b.ttf'])).code).toBe(
      'unavailable',
    );
  });

  it('answers 503 for a file that is no font', () => {
    expect(refusal(() => findPdfFont(import.meta.filename)).status).toBe(503);
  });

  it.runIf(CJK_FONT_CANDIDATES.some((path) => existsSync(path)))(
    'names the face inside a collection, which pdfkit needs to draw from a .ttc',
    () => {
      const font = findPdfFont(undefined);
      expect(CJK_FONT_CANDIDATES).toContain(font.path);
      if (font.path === WQY) expect(font.name).toBe('WenQuanYiMicroHei');
      else expect(font.name).toMatch(/CJK/);
    },
  );
});
