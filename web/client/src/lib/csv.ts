/**
 * The one CSV writer for every export (RFC 4180, CRLF, with a BOM so Excel reads UTF-8).
 * A text cell that a spreadsheet would read as a formula (`=`, `+`, `-`, `@`, or a leading tab
 * or CR) gets a `'` in front, so a grid name or a note cannot run as one when the file is opened.
 * Numbers are written as they are: a number is never a formula.
 */

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: string | number): string {
  const text = typeof value === 'number' ? String(value) : FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: readonly (readonly (string | number)[])[]): string {
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(',')).join('\r\n')}\r\n`;
}
