import { apiText } from './api-texts';
import type { Problem } from './errors';
import { SEVERITIES, type Severity } from './model';
import { parseSuggestedKeys } from './intake-classifier';
import { photoListProblems } from './photo-paths';

/**
 * The people-facing discovery channels, validated at the boundary: patrol reports by grid workers
 * (主动发现, with photo and location) and hotline entries by operators (被动发现, 12345 calls).
 */
interface ReportBase {
  title: string;
  description: string;
  category: string;
  subcategory: string | null;
  caseType: string | null;
  severity: Severity;
  location: { lat: number; lng: number } | null;
  address: string | null;
  /** The keys the intake classifier suggested, best first, when the form showed them (kept to measure it). */
  suggested?: string[];
}

export interface PatrolReport extends ReportBase {
  location: { lat: number; lng: number };
  photos: string[];
  /** 自发自处: the reporting worker handles it themselves if on duty for that grid. */
  selfHandle: boolean;
}

export interface HotlineEntry extends ReportBase {
  callerName: string;
  callerPhone: string;
  /** Where the caller says it is, when there are no coordinates. */
  gridId: string | null;
  /** The operator's own choice of lead handler instead of the rule list's (recorded as an override). */
  assigneeId: string | null;
  overrideNote: string | null;
}

type Parsed<T> = { ok: true; value: T } | { ok: false; errors: Problem[] };

function parseBase(body: Record<string, unknown>, errors: Problem[]): ReportBase {
  const text = (key: string, max: number) => {
    const value = body[key];
    if (typeof value !== 'string' || !value.trim() || value.length > max)
      errors.push(apiText('report.textRequired', { field: key, max }));
    return typeof value === 'string' ? value.trim() : '';
  };
  const optional = (key: string) => {
    const value = body[key];
    if (value !== undefined && value !== null && typeof value !== 'string')
      errors.push(apiText('field.mustBeString', { field: key }));
    return typeof value === 'string' && value ? value : null;
  };
  if (!SEVERITIES.includes(body.severity as Severity))
    errors.push(apiText('field.oneOf', { field: 'severity', values: SEVERITIES.join(', ') }));
  let location: ReportBase['location'] = null;
  if (body.location !== undefined && body.location !== null) {
    const l = body.location as Record<string, unknown>;
    const ok =
      typeof l === 'object' &&
      typeof l.lat === 'number' &&
      typeof l.lng === 'number' &&
      Math.abs(l.lat) <= 90 &&
      Math.abs(l.lng) <= 180;
    if (!ok) errors.push(apiText('report.location'));
    else location = { lat: l.lat as number, lng: l.lng as number };
  }
  const suggested = parseSuggestedKeys(body.suggested, errors);
  return {
    title: text('title', 120),
    description: text('description', 2000),
    category: text('category', 64),
    subcategory: optional('subcategory'),
    caseType: optional('caseType'),
    severity: body.severity as Severity,
    location,
    address: optional('address'),
    ...(suggested ? { suggested } : {}),
  };
}

export function parsePatrolReport(input: unknown): Parsed<PatrolReport> {
  if (typeof input !== 'object' || input === null)
    return { ok: false, errors: [apiText('field.bodyMustBeObject')] };
  const body = input as Record<string, unknown>;
  const errors: Problem[] = [];
  const base = parseBase(body, errors);
  if (body.location === undefined || body.location === null) errors.push(apiText('report.locationForPatrol'));
  const photos = body.photos;
  errors.push(...photoListProblems(photos, true));
  if (body.selfHandle !== undefined && typeof body.selfHandle !== 'boolean')
    errors.push(apiText('field.mustBeTrueOrFalse', { field: 'selfHandle' }));
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      ...base,
      location: base.location!,
      photos: photos as string[],
      selfHandle: body.selfHandle === true,
    },
  };
}

export function parseHotlineEntry(input: unknown): Parsed<HotlineEntry> {
  if (typeof input !== 'object' || input === null)
    return { ok: false, errors: [apiText('field.bodyMustBeObject')] };
  const body = input as Record<string, unknown>;
  const errors: Problem[] = [];
  const base = parseBase(body, errors);
  const callerName = typeof body.callerName === 'string' ? body.callerName.trim() : '';
  const callerPhone = typeof body.callerPhone === 'string' ? body.callerPhone.replace(/[\s-]/g, '') : '';
  if (!callerName || callerName.length > 40)
    errors.push(apiText('report.textRequired', { field: 'callerName', max: 40 }));
  if (!/^\+?\d{5,20}$/.test(callerPhone)) errors.push(apiText('report.callerPhone'));
  const gridId = typeof body.gridId === 'string' && body.gridId ? body.gridId : null;
  if (base.location === null && gridId === null) errors.push(apiText('report.locationOrGrid'));
  const assigneeId = typeof body.assigneeId === 'string' && body.assigneeId ? body.assigneeId : null;
  const overrideNote =
    typeof body.overrideNote === 'string' && body.overrideNote.trim() ? body.overrideNote.trim() : null;
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { ...base, callerName, callerPhone, gridId, assigneeId, overrideNote } };
}

/** 张三 → 张*, 欧阳娜娜 → 欧***: enough to recognise on a callback, not to identify. */
export function maskName(name: string): string {
  const chars = [...name];
  return chars.length <= 1 ? '*' : chars[0] + '*'.repeat(chars.length - 1);
}

/** 13812345678 → 138****5678; short numbers keep only their last two digits. */
export function maskPhone(phone: string): string {
  if (phone.length >= 11) return phone.slice(0, phone.length - 8) + '****' + phone.slice(-4);
  return '*'.repeat(Math.max(0, phone.length - 2)) + phone.slice(-2);
}

export interface RequesterView {
  name: string;
  phone: string;
  /** True in every list and detail; only the audited reveal endpoint returns false. */
  masked: boolean;
}
