import { describe, expect, it } from 'vitest';
import { breakdownCsv } from '../client/src/lib/analytics';
import { csvCell, toCsv } from '../client/src/lib/csv';

describe('CSV exports', () => {
  it.each([
    ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
    ['+1+2', "'+1+2"],
    ['-2+3', "'-2+3"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tcmd', "'\tcmd"],
    ['\r=1', `"'\r=1"`],
    ['江城社区第1网格', '江城社区第1网格'],
    ['a=b', 'a=b'],
    ['87.5%', '87.5%'],
    ['—', '—'],
  ])('neutralises %j as %j', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes numbers as numbers, negative ones too', () => {
    expect([csvCell(-3), csvCell(0), csvCell(12.5)]).toEqual(['-3', '0', '12.5']);
  });

  it('quotes commas, quotes and line breaks; rows end in CRLF after a BOM', () => {
    expect(
      toCsv([
        ['a,b', 'say "hi"'],
        ['line\nbreak', 1],
      ]),
    ).toBe('\uFEFF"a,b","say ""hi"""\r\n"line\nbreak",1\r\n');
  });

  it('the analytics breakdown goes through it: a grid named like a formula stays text', () => {
    const row = { key: 'G1', opened: 1, resolved: 1, resolvedOnTime: 1, overdue: 0, pastResolveDue: 0 };
    expect(breakdownCsv(['名称', 'n'], [row], { G1: '=cmd|" /C calc"!A0' })).toBe(
      `\uFEFF名称,n\r\n"'=cmd|"" /C calc""!A0",1,1,1,0,100.0%\r\n`,
    );
  });
});
