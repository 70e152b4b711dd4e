import { deviceTypeSpec } from '@gridsense/core';
import type { Locale } from '../i18n/index.svelte';

const relativeFormats = new Map<Locale, Intl.RelativeTimeFormat>();
const dateFormats = new Map<Locale, Intl.DateTimeFormat>();

const STEPS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['second', 60],
  ['minute', 60],
  ['hour', 24],
  ['day', 30],
  ['month', 12],
  ['year', Infinity],
];

/** "3 分钟前" / "3 min. ago". */
export function relativeTime(ts: number, now: number, locale: Locale): string {
  let format = relativeFormats.get(locale);
  if (!format) {
    format = new Intl.RelativeTimeFormat(locale, { numeric: 'auto', style: 'short' });
    relativeFormats.set(locale, format);
  }
  // A fresh server timestamp can be a tick ahead of the shared clock: that is "now", not "in 1 s".
  let value = Math.min(ts - now, 0) / 1000;
  for (const [unit, size] of STEPS) {
    if (Math.abs(value) < size) return format.format(Math.round(value), unit);
    value /= size;
  }
  return format.format(Math.round(value), 'year');
}

export function dateTime(ts: number, locale: Locale): string {
  let format = dateFormats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, {
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    });
    dateFormats.set(locale, format);
  }
  return format.format(ts);
}

export function metricUnit(deviceType: string, metric: string): string {
  return deviceTypeSpec(deviceType)?.metrics[metric]?.unit ?? '';
}

/** Numbers to at most two decimals, with the unit; booleans as the given yes/no words. */
export function formatValue(value: number | boolean, unit: string, yesNo: [string, string]): string {
  if (typeof value === 'boolean') return value ? yesNo[0] : yesNo[1];
  const text = Number.isInteger(value) ? String(value) : value.toFixed(2).replace(/\.?0+$/, '');
  return unit ? `${text} ${unit}` : text;
}
