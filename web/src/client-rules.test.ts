import { describe, expect, it } from 'vitest';
import type { BacktestResult } from '@gridsense/core';
import { clockText, handlerText } from '../client/src/lib/admin-types';
import { backtestColumns, parseRuleText } from '../client/src/lib/rule-editor';

describe('rule editor helpers', () => {
  it('parses good JSON and names the line of a syntax error', () => {
    expect(parseRuleText('{"a": 1}')).toEqual({ ok: true, value: { a: 1 } });
    const bad = parseRuleText('{\n  "a": 1,\n  b: 2\n}');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toMatch(/^line 3: /);
    // Some engine messages carry no position: they are passed on as they are.
    const unpositioned = parseRuleText('{\n  "b": \n}');
    expect(unpositioned.ok).toBe(false);
    if (!unpositioned.ok) expect(unpositioned.error).toMatch(/JSON/);
  });

  it('turns backtest transitions into step levels per device, busiest device first', () => {
    const result: BacktestResult = {
      from: 0,
      to: 10_000,
      devices: 2,
      readings: 10,
      events: 0,
      transitions: [
        { at: 2_000, deviceId: 'b', gridId: 'G1', severity: 'warning', previousSeverity: null },
        { at: 4_000, deviceId: 'b', gridId: 'G1', severity: 'critical', previousSeverity: 'warning' },
        { at: 6_000, deviceId: 'b', gridId: 'G1', severity: null, previousSeverity: 'critical' },
        { at: 5_000, deviceId: 'a', gridId: 'G1', severity: 'warning', previousSeverity: null },
      ],
      firingAtEnd: [{ deviceId: 'a', gridId: 'G1', severity: 'warning', since: 5_000 }],
    };
    const { devices, columns } = backtestColumns(result);
    expect(devices).toEqual(['b', 'a']);
    expect(columns).toEqual([
      [0, 2, 4, 5, 6, 10],
      [0, 2, 3, 3, 0, 0],
      [0, 0, 0, 2, 2, 2],
    ]);
    expect(backtestColumns(result, 1).devices).toEqual(['b']);
  });
});

describe('admin list helpers', () => {
  it.each([
    [0, '00:00'],
    [8 * 60 + 5, '08:05'],
    [20 * 60, '20:00'],
  ])('writes minute %i as %s', (minute, text) => {
    expect(clockText(minute)).toBe(text);
  });

  it('names handler references by department, person or duty kind', () => {
    const names = { 'dept-1': '区城管局', 'u-1': '张三' };
    const label = (kind: string) => `<${kind}>`;
    expect(handlerText({ kind: 'department', departmentId: 'dept-1' }, names, label)).toBe('区城管局');
    expect(handlerText({ kind: 'user', userId: 'u-2' }, names, label)).toBe('u-2');
    expect(handlerText({ kind: 'grid_duty' }, names, label)).toBe('<grid_duty>');
  });
});
