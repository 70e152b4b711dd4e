import {
  CASE_ACTIONS,
  CASE_STATES,
  CLOSE_REASONS,
  DECLINE_REASONS,
  RETURN_REASONS,
  SEVERITIES,
  STANDARD_DEVICE_TYPES,
  STANDARD_DEVICE_TYPE_NAMES,
  UPSTREAM_REASONS,
  type RejectReason,
} from '@gridsense/core';
import { buildStandardTaxonomy, DEMO_RULES } from '@gridsense/state';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { en } from '../client/src/i18n/en';
import { zhCN } from '../client/src/i18n/zh-CN';

const DICTIONARIES = { 'zh-CN': zhCN as Record<string, string>, en: en as Record<string, string> };
/** Deliberately blank: the gap between "2小时" and "5分" (none) or "2h" and "5m" (a space). */
const MAY_BE_BLANK = new Set(['unit.sep']);
const CLIENT = path.resolve(import.meta.dirname, '../client/src');

const placeholders = (text: string): string[] => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!).sort();

describe('the console dictionaries', () => {
  it('have the same keys in both languages', () => {
    expect(Object.keys(en).sort()).toEqual(Object.keys(zhCN).sort());
  });

  it('have no empty or blank text', () => {
    const blank = Object.entries(DICTIONARIES).flatMap(([locale, messages]) =>
      Object.entries(messages)
        .filter(([key, text]) => text.trim() === '' && !MAY_BE_BLANK.has(key))
        .map(([key]) => `${locale}:${key}`),
    );
    expect(blank).toEqual([]);
  });

  it('use the same {placeholders} in both languages', () => {
    const mismatched = Object.keys(zhCN).filter(
      (key) =>
        placeholders(DICTIONARIES['zh-CN'][key]!).join() !== placeholders(DICTIONARIES.en[key]!).join(),
    );
    expect(mismatched).toEqual([]);
  });

  it('leave no English in Chinese labels that have Chinese words', () => {
    // Units, codes and brand names are fine; a whole untranslated English phrase is not.
    const untranslated = Object.entries(zhCN).filter(
      ([key, text]) => text === DICTIONARIES.en[key] && /[a-z]{4,} [a-z]{3,}/i.test(text),
    );
    expect(untranslated).toEqual([]);
  });

  // Every closed set of codes the console shows must have a label, or users see raw codes.
  const REJECT_REASONS = Object.keys({
    bad_topic: 1,
    too_large: 1,
    bad_json: 1,
    bad_shape: 1,
    bad_ts: 1,
    future_ts: 1,
    bad_seq: 1,
    bad_metrics: 1,
    bad_metric_name: 1,
    bad_metric_value: 1,
    out_of_range: 1,
    too_many_readings: 1,
    bad_event_type: 1,
    bad_confidence: 1,
    bad_snapshot: 1,
    bad_location: 1,
    bad_status: 1,
  } satisfies Record<RejectReason, 1>);

  it.each([
    ['case states', CASE_STATES.map((code) => `state.${code}`)],
    ['severities', SEVERITIES.map((code) => `severity.${code}`)],
    ['return reasons', RETURN_REASONS.map((code) => `reason.${code}`)],
    [
      'close, decline and upstream reasons',
      [...CLOSE_REASONS, ...DECLINE_REASONS, ...UPSTREAM_REASONS].map((code) => `reason.${code}`),
    ],
    ['case moves', CASE_ACTIONS.map((code) => `action.${code}`)],
    ['reject reasons', REJECT_REASONS.map((code) => `reject.${code}`)],
    ['device types', STANDARD_DEVICE_TYPE_NAMES.map((code) => `deviceType.${code}`)],
    [
      'metrics',
      Object.values(STANDARD_DEVICE_TYPES).flatMap((spec) =>
        Object.keys(spec.metrics).map((m) => `metric.${m}`),
      ),
    ],
    ['demo rule categories', DEMO_RULES.map((rule) => `category.${rule.category}`)],
    [
      'taxonomy categories',
      buildStandardTaxonomy()
        .filter((node) => node.level === 'category')
        .map((node) => `category.${node.key}`),
    ],
    [
      'timeline actions',
      ['report', 'register', 'dispatch', 'accept', 'return', 'arrive', 'resolve', 'verify', 'close', 'reopen']
        .concat(['risk_cleared', 'occurred_again'])
        .map((code) => `action.${code}`),
    ],
  ])('label every one of the %s', (_name, keys) => {
    expect(keys.filter((key) => !(key in zhCN))).toEqual([]);
  });
});

/** Text a person sees or hears in a component's markup, with scripts, styles, comments and `{…}` removed. */
function visibleLiterals(source: string): string[] {
  let markup = source
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '');
  let depth = 0;
  let plain = '';
  for (const char of markup) {
    if (char === '{') depth++;
    else if (char === '}') depth = Math.max(0, depth - 1);
    else if (depth === 0) plain += char;
  }
  markup = plain;
  const found: string[] = [];
  for (const match of markup.matchAll(/\b(?:aria-label|title|placeholder|alt)="([^"]*)"/g)) {
    if (/\p{L}/u.test(match[1]!)) found.push(match[1]!.trim());
  }
  for (const chunk of markup.replace(/<[^>]*>/g, '\n').split('\n')) {
    if (/\p{L}/u.test(chunk)) found.push(chunk.trim());
  }
  return found;
}

/** Chinese characters in code, outside comments. */
function cjkInCode(source: string): string[] {
  const code = source
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:])\/\/.*$/gm, '$1');
  return [...code.matchAll(/[^\n]*[\u3400-\u9fff\uf900-\ufaff][^\n]*/g)].map((match) => match[0].trim());
}

async function clientFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile() && /\.(svelte|ts)$/.test(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => !file.includes(`${path.sep}i18n${path.sep}`));
}

describe('the console components', () => {
  it('finds hard-coded text when it is there (the scanner itself)', () => {
    const sample = `<script>const a = '烟感';</script>
<!-- 注释 --><p class="x">{t('a')} Hello</p><button aria-label="Close" title={t('b')}>×</button>
<span>{n} · {#if x}<b>{y}</b>{/if} →</span><style>p { color: red; }</style>`;
    expect(visibleLiterals(sample)).toEqual(['Close', 'Hello']);
    expect(cjkInCode(sample)).toEqual([`<script>const a = '烟感';</script>`]);
  });

  it('show no hard-coded text: every visible word comes from the dictionaries', async () => {
    const found: string[] = [];
    for (const file of await clientFiles(CLIENT)) {
      const source = await readFile(file, 'utf8');
      const relative = path.relative(CLIENT, file);
      if (file.endsWith('.svelte'))
        for (const text of visibleLiterals(source)) found.push(`${relative}: ${text}`);
      for (const line of cjkInCode(source)) found.push(`${relative}: ${line}`);
    }
    expect(found).toEqual([]);
  });
});
