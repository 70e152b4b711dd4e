import { ID_PATTERN } from '../ids';
import { SEVERITIES, type Severity } from '../model';
import { bandLevel, bandOrderProblems, describeBandOrder, type AnyBand } from './band-order';
import type { ThresholdDirection } from './rule-types';

export type Fields = Record<string, unknown>;

/** Collects every problem of one rule with its path, so the caller sees them all at once. */
export class RuleProblems {
  readonly errors: string[] = [];

  add(message: string): void {
    this.errors.push(message);
  }

  /** The object at `value`, or undefined after recording why not. */
  object(value: unknown, path: string): Fields | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Fields;
    this.add(`${path} must be an object`);
    return undefined;
  }

  string(fields: Fields, key: string, path = key): boolean {
    const ok = typeof fields[key] === 'string' && fields[key] !== '';
    if (!ok) this.add(`${path} must be a non-empty string`);
    return ok;
  }

  id(fields: Fields, key: string, path = key): void {
    const value = fields[key];
    if (typeof value !== 'string' || value === '') this.add(`${path} must be a non-empty string`);
    else if (!ID_PATTERN.test(value)) this.add(`${path} must match ${ID_PATTERN.source}`);
  }

  number(fields: Fields, key: string, path = key): boolean {
    const ok = typeof fields[key] === 'number' && Number.isFinite(fields[key]);
    if (!ok) this.add(`${path} must be a number`);
    return ok;
  }

  /** A positive number of seconds (or of anything), at most `max`. */
  positive(fields: Fields, key: string, max: number, path = key): boolean {
    const value = fields[key];
    const ok = typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= max;
    if (!ok) this.add(`${path} must be a number above 0${max === Infinity ? '' : ` and at most ${max}`}`);
    return ok;
  }

  integer(fields: Fields, key: string, min: number, max: number, path = key): boolean {
    const value = fields[key];
    const ok = Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
    if (!ok) this.add(`${path} must be an integer ${min}–${max}`);
    return ok;
  }

  severity(fields: Fields, key: string, path = key): void {
    if (!SEVERITIES.includes(fields[key] as Severity)) this.add(`${path} must be info, warning or critical`);
  }

  confidence(fields: Fields, key: string, path = key): void {
    const value = fields[key];
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) this.add(`${path} must be 0–1`);
  }

  /** A non-empty list of ids (region, device or type ids), each checked. */
  idList(fields: Fields, key: string, path: string): void {
    const value = fields[key];
    if (!Array.isArray(value) || value.length === 0) {
      this.add(`${path} must be a non-empty array`);
      return;
    }
    value.forEach((item: unknown, i) => {
      if (typeof item !== 'string' || !ID_PATTERN.test(item)) this.add(`${path}[${i}] must be an id`);
    });
  }

  /** Lists fields the kind does not know: a typo (`clearAtOrBellow`) must not pass silently. */
  onlyKnown(fields: Fields, known: readonly string[], path = ''): void {
    for (const key of Object.keys(fields)) {
      if (!known.includes(key)) this.add(`unknown field ${path}${key}`);
    }
  }

  /**
   * Bands plus their clear level, as threshold and rate rules and overrides share them. A rule that
   * fires `below` names its band levels `below` and clears at or above `clearAtOrAbove`.
   */
  bands(fields: Fields, prefix = '', direction: ThresholdDirection = 'above'): void {
    const side = direction;
    const bands: unknown = fields.bands;
    const valid: AnyBand[] = [];
    if (!Array.isArray(bands) || bands.length === 0) this.add(`${prefix}bands must be a non-empty array`);
    else {
      bands.forEach((band: unknown, i) => {
        const b = (typeof band === 'object' && band !== null ? band : {}) as Fields;
        const path = `${prefix}bands[${i}]`;
        const severityOk = SEVERITIES.includes(b.severity as Severity);
        const levelOk = typeof b[side] === 'number' && Number.isFinite(b[side]);
        if (!severityOk) this.add(`${path}.severity must be info, warning or critical`);
        if (!levelOk) this.add(`${path}.${side} must be a number`);
        if (severityOk && levelOk)
          valid.push({ severity: b.severity as Severity, [side]: b[side] as number } as unknown as AnyBand);
      });
      const severities = valid.map((b) => b.severity);
      if (new Set(severities).size !== severities.length)
        this.add(`${prefix}bands must not repeat a severity`);
      else for (const problem of bandOrderProblems(valid)) this.add(describeBandOrder(problem, prefix));
    }
    const clearKey = direction === 'below' ? 'clearAtOrAbove' : 'clearAtOrBelow';
    const clear = fields[clearKey];
    const levels = valid.map(bandLevel);
    if (typeof clear !== 'number' || !Number.isFinite(clear))
      this.add(`${prefix}${clearKey} must be a number`);
    else if (direction === 'above' && levels.length > 0 && clear > Math.min(...levels))
      this.add(`${prefix}clearAtOrBelow must not be above the lowest band`);
    else if (direction === 'below' && levels.length > 0 && clear < Math.max(...levels))
      this.add(`${prefix}clearAtOrAbove must not be below the highest band`);
  }
}

export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** Longest window or duration a rule may name: 31 days. */
export const MAX_SECONDS = 31 * 24 * 3600;
