import {
  deviceTypeSpec,
  SEVERITIES,
  STANDARD_DEVICE_TYPE_NAMES,
  type Severity,
  type ThresholdDirection,
} from '@gridsense/core';

/**
 * The rule form edits a threshold rule's common fields; the JSON stays the rule, and the form is a
 * view of it both ways: `formOfRule` reads the JSON into fields, `ruleOfForm` writes the fields back
 * over the JSON, keeping what the form does not show (the schedule's UTC offset, flapping, repeat,
 * overrides).
 * Other kinds, and rules the form cannot show, are edited in the JSON view.
 */
export interface RuleFormBand {
  severity: Severity;
  /** As typed; a number once it parses. */
  level: string;
}

export interface RuleForm {
  id: string;
  name: string;
  category: string;
  deviceType: string;
  metric: string;
  direction: ThresholdDirection;
  bands: RuleFormBand[];
  clear: string;
  /** Seconds the value must stay in a band; empty for at once. */
  forSeconds: string;
  regionIds: string[];
  /** Active windows; none means always active. */
  schedule: RuleFormWindow[];
}

export interface RuleFormWindow {
  /** ISO weekdays 1–7; none ticked means every day. */
  days: number[];
  start: string;
  end: string;
}

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const text = (value: unknown): string =>
  typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';

/** The form's view of a rule, or null when the form cannot show it (another kind, odd shapes). */
export function formOfRule(rule: unknown): RuleForm | null {
  if (!isObject(rule) || rule.kind !== 'threshold') return null;
  const direction: ThresholdDirection = rule.direction === 'below' ? 'below' : 'above';
  if (rule.direction !== undefined && rule.direction !== 'above' && rule.direction !== 'below') return null;
  const bands = Array.isArray(rule.bands) ? rule.bands : [];
  if (!bands.every(isObject)) return null;
  const scope = isObject(rule.scope) ? rule.scope : {};
  const regionIds = Array.isArray(scope.regionIds)
    ? scope.regionIds.filter((id) => typeof id === 'string')
    : [];
  const windows =
    isObject(rule.schedule) && Array.isArray(rule.schedule.windows) ? rule.schedule.windows : [];
  if (!windows.every(isObject)) return null;
  return {
    id: text(rule.id),
    name: text(rule.name),
    category: text(rule.category),
    deviceType: text(rule.deviceType),
    metric: text(rule.metric),
    direction,
    bands: bands.map((band) => ({
      severity: SEVERITIES.includes(band.severity as Severity) ? (band.severity as Severity) : 'warning',
      level: text(band[direction]),
    })),
    clear: text(direction === 'below' ? rule.clearAtOrAbove : rule.clearAtOrBelow),
    forSeconds: text(rule.forSeconds),
    regionIds,
    schedule: windows.map((w) => ({
      days: Array.isArray(w.days) ? w.days.filter((d): d is number => typeof d === 'number') : [],
      start: text(w.start),
      end: text(w.end),
    })),
  };
}

/** A typed number as the API takes it; what does not parse goes as typed, for the API to name. */
const numberOf = (typed: string): number | string => {
  const trimmed = typed.trim();
  const value = Number(trimmed);
  return trimmed !== '' && Number.isFinite(value) ? value : trimmed;
};

/** The rule with the form's fields written over `previous` (whatever else it holds is kept). */
export function ruleOfForm(form: RuleForm, previous: unknown): Fields {
  const rule: Fields = isObject(previous) ? { ...previous } : {};
  delete rule.clearAtOrBelow;
  delete rule.clearAtOrAbove;
  delete rule.forSeconds;
  Object.assign(rule, {
    kind: 'threshold',
    id: form.id,
    name: form.name,
    category: form.category,
    deviceType: form.deviceType,
    metric: form.metric,
  });
  // A stored rule without a direction fires above; the form writes one only for below.
  if (form.direction === 'below') rule.direction = 'below';
  else delete rule.direction;
  rule.bands = form.bands.map((band) => ({
    severity: band.severity,
    [form.direction]: numberOf(band.level),
  }));
  rule[form.direction === 'below' ? 'clearAtOrAbove' : 'clearAtOrBelow'] = numberOf(form.clear);
  if (form.forSeconds.trim() !== '') rule.forSeconds = numberOf(form.forSeconds);
  const scope: Fields = isObject(rule.scope) ? { ...rule.scope } : {};
  if (form.regionIds.length > 0) scope.regionIds = [...form.regionIds];
  else delete scope.regionIds;
  if (Object.keys(scope).length > 0) rule.scope = scope;
  else delete rule.scope;
  if (form.schedule.length > 0) {
    const kept = isObject(rule.schedule) ? rule.schedule : {};
    rule.schedule = {
      ...kept,
      windows: form.schedule.map((w) => ({
        ...(w.days.length > 0 ? { days: [...w.days].sort((a, b) => a - b) } : {}),
        start: w.start,
        end: w.end,
      })),
    };
  } else delete rule.schedule;
  return rule;
}

/** The numeric metrics a device type reports (booleans compare as 1/0 and are offered too). */
export function metricsOf(deviceType: string): string[] {
  return Object.keys(deviceTypeSpec(deviceType)?.metrics ?? {});
}

/** Device types with metrics: the ones a threshold can watch. */
export const THRESHOLD_DEVICE_TYPES = STANDARD_DEVICE_TYPE_NAMES.filter((type) => metricsOf(type).length > 0);

/** The unit of a metric, for the band inputs (`MPa`, `%`); empty when it has none. */
export function unitOf(deviceType: string, metric: string): string {
  const spec = deviceTypeSpec(deviceType)?.metrics[metric];
  return spec && 'unit' in spec && typeof spec.unit === 'string' ? spec.unit : '';
}

/**
 * Regions in tree order (each under its parent, siblings by id) with their depth, for the scope
 * picker; a region whose parent is not listed starts a tree of its own.
 */
export function regionTree<R extends { id: string; parentId: string | null }>(
  regions: readonly R[],
): { region: R; depth: number }[] {
  const ids = new Set(regions.map((r) => r.id));
  const children = new Map<string | null, R[]>();
  for (const region of regions) {
    const parent = region.parentId !== null && ids.has(region.parentId) ? region.parentId : null;
    children.set(parent, [...(children.get(parent) ?? []), region]);
  }
  const out: { region: R; depth: number }[] = [];
  const visit = (parent: string | null, depth: number) => {
    for (const region of (children.get(parent) ?? []).sort((a, b) => a.id.localeCompare(b.id))) {
      out.push({ region, depth });
      visit(region.id, depth + 1);
    }
  };
  visit(null, 0);
  return out;
}

/** The form field a problem the API listed is about, so it shows under that field. */
export type RuleFormField =
  | 'id'
  | 'name'
  | 'category'
  | 'deviceType'
  | 'metric'
  | 'direction'
  | `band${number}`
  | 'bands'
  | 'clear'
  | 'forSeconds'
  | 'scope'
  | 'schedule'
  | 'other';

export function fieldOfProblem(detail: string): RuleFormField {
  const band = /^bands\[(\d+)\]/.exec(detail);
  if (band) return `band${Number(band[1])}`;
  const [path = ''] = detail.split(/[\s:]/, 1);
  if (path === 'clearAtOrBelow' || path === 'clearAtOrAbove') return 'clear';
  if (path.startsWith('scope')) return 'scope';
  if (path.startsWith('schedule')) return 'schedule';
  if (path === 'bands') return 'bands';
  const simple = ['id', 'name', 'category', 'deviceType', 'metric', 'direction', 'forSeconds'] as const;
  return simple.find((field) => field === path) ?? 'other';
}

/** The API's problems grouped by the field they are about. */
export function problemsByField(details: readonly string[]): Map<RuleFormField, string[]> {
  const byField = new Map<RuleFormField, string[]>();
  for (const detail of details) {
    const field = fieldOfProblem(detail);
    byField.set(field, [...(byField.get(field) ?? []), detail]);
  }
  return byField;
}
