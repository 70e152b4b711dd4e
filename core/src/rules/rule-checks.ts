import { apiText, type ApiText } from '../api-texts';
import type { Problem } from '../errors';
import { ID_PATTERN } from '../ids';
import { SEVERITIES, type Severity } from '../model';
import { bandLevel, bandOrderProblems, describeBandOrder, type AnyBand } from './band-order';
import type { ThresholdDirection } from './rule-types';

export type Fields = Record<string, unknown>;

/** Collects every problem of one rule with its path, so the caller sees them all at once. */
export class RuleProblems {
  readonly errors: Problem[] = [];

  add(problem: ApiText): void {
    this.errors.push(problem);
  }

  /** The object at `value`, or undefined after recording why not. */
  object(value: unknown, path: string): Fields | undefined {
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Fields;
    this.add(apiText('field.mustBeObject', { field: path }));
    return undefined;
  }

  string(fields: Fields, key: string, path = key): boolean {
    const ok = typeof fields[key] === 'string' && fields[key] !== '';
    if (!ok) this.add(apiText('field.nonEmptyString', { field: path }));
    return ok;
  }

  id(fields: Fields, key: string, path = key): void {
    const value = fields[key];
    if (typeof value !== 'string' || value === '') this.add(apiText('field.nonEmptyString', { field: path }));
    else if (!ID_PATTERN.test(value))
      this.add(apiText('field.matches', { field: path, pattern: ID_PATTERN.source }));
  }

  number(fields: Fields, key: string, path = key): boolean {
    const ok = typeof fields[key] === 'number' && Number.isFinite(fields[key]);
    if (!ok) this.add(apiText('field.mustBeNumber', { field: path }));
    return ok;
  }

  /** A positive number of seconds (or of anything), at most `max`. */
  positive(fields: Fields, key: string, max: number, path = key): boolean {
    const value = fields[key];
    const ok = typeof value === 'number' && Number.isFinite(value) && value > 0 && value <= max;
    if (!ok)
      this.add(
        max === Infinity
          ? apiText('field.positive', { field: path })
          : apiText('field.positiveAtMost', { field: path, max }),
      );
    return ok;
  }

  integer(fields: Fields, key: string, min: number, max: number, path = key): boolean {
    const value = fields[key];
    const ok = Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;
    if (!ok) this.add(apiText('field.integerRange', { field: path, min, max }));
    return ok;
  }

  severity(fields: Fields, key: string, path = key): void {
    if (!SEVERITIES.includes(fields[key] as Severity)) this.add(apiText('field.severity', { field: path }));
  }

  confidence(fields: Fields, key: string, path = key): void {
    const value = fields[key];
    if (typeof value !== 'number' || !(value >= 0 && value <= 1))
      this.add(apiText('field.fraction', { field: path }));
  }

  /** A non-empty list of ids (region, device or type ids), each checked. */
  idList(fields: Fields, key: string, path: string): void {
    const value = fields[key];
    if (!Array.isArray(value) || value.length === 0) {
      this.add(apiText('field.nonEmptyArray', { field: path }));
      return;
    }
    value.forEach((item: unknown, i) => {
      if (typeof item !== 'string' || !ID_PATTERN.test(item))
        this.add(apiText('field.mustBeId', { field: `${path}[${i}]` }));
    });
  }

  /** Lists fields the kind does not know: a typo (`clearAtOrBellow`) must not pass silently. */
  onlyKnown(fields: Fields, known: readonly string[], path = ''): void {
    for (const key of Object.keys(fields)) {
      if (!known.includes(key)) this.add(apiText('field.unknown', { field: `${path}${key}` }));
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
    if (!Array.isArray(bands) || bands.length === 0)
      this.add(apiText('field.nonEmptyArray', { field: `${prefix}bands` }));
    else {
      bands.forEach((band: unknown, i) => {
        const b = (typeof band === 'object' && band !== null ? band : {}) as Fields;
        const path = `${prefix}bands[${i}]`;
        const severityOk = SEVERITIES.includes(b.severity as Severity);
        const levelOk = typeof b[side] === 'number' && Number.isFinite(b[side]);
        if (!severityOk) this.add(apiText('field.severity', { field: `${path}.severity` }));
        if (!levelOk) this.add(apiText('field.mustBeNumber', { field: `${path}.${side}` }));
        if (severityOk && levelOk)
          valid.push({ severity: b.severity as Severity, [side]: b[side] as number } as unknown as AnyBand);
      });
      const severities = valid.map((b) => b.severity);
      if (new Set(severities).size !== severities.length)
        this.add(apiText('rule.bandsRepeatSeverity', { field: `${prefix}bands` }));
      else for (const problem of bandOrderProblems(valid)) this.add(describeBandOrder(problem, prefix));
    }
    const clearKey = direction === 'below' ? 'clearAtOrAbove' : 'clearAtOrBelow';
    const clear = fields[clearKey];
    const levels = valid.map(bandLevel);
    if (typeof clear !== 'number' || !Number.isFinite(clear))
      this.add(apiText('field.mustBeNumber', { field: `${prefix}${clearKey}` }));
    else if (direction === 'above' && levels.length > 0 && clear > Math.min(...levels))
      this.add(apiText('rule.clearAboveLowest', { field: `${prefix}clearAtOrBelow` }));
    else if (direction === 'below' && levels.length > 0 && clear < Math.max(...levels))
      this.add(apiText('rule.clearBelowHighest', { field: `${prefix}clearAtOrAbove` }));
  }
}

export const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
/** Longest window or duration a rule may name: 31 days. */
export const MAX_SECONDS = 31 * 24 * 3600;
