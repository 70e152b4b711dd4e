import type { AssigneeSegment } from './case-segments';
import type { CaseSource, CaseRecord } from './case-types';
import type { AccountableUnit } from './case-unit-rates';
import type { Rate } from './case-stats';

/**
 * 考核: the figures each unit is assessed on, and the score an administrator's scheme gives them.
 * A worker and a department answer for their own segments of a case (`chargeSegments`); a grid,
 * community and street for the cases of their place. Cases closed without handling (作废, 误报,
 * 重复件, and any later such reason like 不予立案 or 非属地) leave every figure and are counted
 * apart per reason.
 */
export type AssessedCase = Pick<
  CaseRecord,
  | 'id'
  | 'gridId'
  | 'openedAt'
  | 'resolvedAt'
  | 'resolvedOnTime'
  | 'resolveDueAt'
  | 'pausedAt'
  | 'satisfaction'
  | 'reporterId'
  | 'supervisedAt'
> & {
  source: CaseSource;
  /** Why it was closed without handling (any reason, including ones added later); null if handled. */
  closeReason: string | null;
  segments: readonly AssigneeSegment[];
  /** The latest 回访's judgement: solved or not; null without a callback. */
  solved: boolean | null;
};

/** The levels figures are given for: the accountable units, and a whole district for reports. */
export type AssessedLevel = AccountableUnit | 'district';

export interface AssessmentFigures {
  level: AssessedLevel;
  key: string;
  /** Cases (or, for people and departments, segments) counted in the figures. */
  counted: number;
  /** 响应率: responded (accepted or returned) by the accept deadline. */
  responseRate: Rate;
  /** 按时办结率: resolved by the resolve deadline, over resolved or unresolved past it. */
  onTimeResolutionRate: Rate;
  /** 解决率: the callback (回访) says the matter was solved, over cases with a callback. */
  solvedRate: Rate;
  /** 满意率: satisfaction 4–5 over rated cases. */
  satisfactionRate: Rate;
  /**
   * 协办好评率: 好 over the 协办 ratings received (a person or department for its co-handling, a
   * place for its cases' requests); filled in by `withRatingRates`, empty until then.
   */
  cohandleGoodRate: Rate;
  mttaMs: number | null;
  mttrMs: number | null;
  /** Returns (退单) made: for a person theirs; for a place, all returns of its cases. */
  returns: number;
  /** Cases whose resolve deadline passed while unresolved (for people: in their own segment). */
  overdue: number;
  /** Milliseconds past the resolve deadline (for people: within their own segments). */
  delayMs: number;
  /** Cases put under 督办 (for people: while the case was theirs). */
  supervised: number;
  /** Cases found on patrol (主动发现): by the person, or in the place. */
  patrolFound: number;
  /** Cases left out of every figure, per close reason. */
  excluded: Record<string, number>;
}

const rate = (numerator: number, denominator: number): Rate => ({
  numerator,
  denominator,
  value: denominator === 0 ? null : numerator / denominator,
});

const mean = (values: readonly number[]) =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;

const heldAt = (s: AssigneeSegment, at: number) =>
  s.dispatchedAt <= at && (s.endedAt === null || at < s.endedAt);

function emptyFigures(level: AssessedLevel, key: string): AssessmentFigures {
  return {
    level,
    key,
    counted: 0,
    responseRate: rate(0, 0),
    onTimeResolutionRate: rate(0, 0),
    solvedRate: rate(0, 0),
    satisfactionRate: rate(0, 0),
    cohandleGoodRate: rate(0, 0),
    mttaMs: null,
    mttrMs: null,
    returns: 0,
    overdue: 0,
    delayMs: 0,
    supervised: 0,
    patrolFound: 0,
    excluded: {},
  };
}

/** A place's figures over its cases (a case is the place's whatever hands it passed through). */
export function assessPlace(
  level: AssessedLevel,
  key: string,
  cases: readonly AssessedCase[],
  now: number,
): AssessmentFigures {
  const figures = emptyFigures(level, key);
  const counted = cases.filter((c) => c.closeReason === null);
  for (const c of cases)
    if (c.closeReason !== null) figures.excluded[c.closeReason] = (figures.excluded[c.closeReason] ?? 0) + 1;
  const firstSegments = counted.flatMap((c) => (c.segments[0] ? [c.segments[0]] : []));
  // The place answers for the first response to each case: later ones are re-dispatches.
  const answered = firstSegments.filter((s) => s.respondedOnTime !== null);
  const resolved = counted.filter((c) => c.resolvedAt !== null);
  const pastDue = counted.filter(
    (c) => c.resolvedAt === null && c.resolveDueAt !== null && c.resolveDueAt < (c.pausedAt ?? now),
  );
  const called = counted.filter((c) => c.solved !== null);
  const rated = counted.filter((c) => c.satisfaction !== null);
  // MTTA of a place: from opening to the first acceptance by anyone (time lost on returns included).
  const firstAccepts = counted.flatMap((c) => {
    const accepted = c.segments.find((s) => s.acceptedAt !== null && !s.redo);
    return accepted ? [accepted.acceptedAt! - c.openedAt] : [];
  });
  return {
    ...figures,
    counted: counted.length,
    responseRate: rate(answered.filter((s) => s.respondedOnTime).length, answered.length),
    onTimeResolutionRate: rate(
      resolved.filter((c) => c.resolvedOnTime === true).length,
      resolved.length + pastDue.length,
    ),
    solvedRate: rate(called.filter((c) => c.solved === true).length, called.length),
    satisfactionRate: rate(rated.filter((c) => c.satisfaction! >= 4).length, rated.length),
    mttaMs: mean(firstAccepts),
    mttrMs: mean(resolved.map((c) => c.resolvedAt! - c.openedAt)),
    returns: counted.reduce((n, c) => n + c.segments.filter((s) => s.end === 'returned').length, 0),
    overdue: resolved.filter((c) => c.resolvedOnTime === false).length + pastDue.length,
    delayMs: counted.reduce((n, c) => n + c.segments.reduce((d, s) => d + s.delayMs, 0), 0),
    supervised: counted.filter((c) => c.supervisedAt !== null).length,
    patrolFound: counted.filter((c) => c.source === 'patrol').length,
  };
}

/**
 * A person's or department's figures over their own segments: response and MTTA per dispatch to
 * them, on-time resolution and MTTR over the segments they resolved (or hold past the deadline),
 * 解决率 and 满意率 over the cases they resolved, delay within their segments, 督办 raised while
 * they held the case. `reported` are the patrol cases they found (people only).
 */
function holderFigures(
  level: AccountableUnit,
  key: string,
  held: readonly { c: AssessedCase; s: AssigneeSegment }[],
  reported: readonly AssessedCase[],
  now: number,
): AssessmentFigures {
  const figures = emptyFigures(level, key);
  const counted = held.filter(({ c }) => c.closeReason === null);
  const excludedCases = new Set(held.filter(({ c }) => c.closeReason !== null).map(({ c }) => c));
  for (const c of excludedCases)
    figures.excluded[c.closeReason!] = (figures.excluded[c.closeReason!] ?? 0) + 1;
  const segments = counted.map(({ s }) => s);
  const answered = segments.filter((s) => s.respondedOnTime !== null);
  const resolving = counted.filter(({ s }) => s.end === 'resolved');
  const resolvedOnTime = resolving.filter(({ s }) => s.resolveDueAt === null || s.endedAt! <= s.resolveDueAt);
  const pastDue = counted.filter(
    ({ c, s }) => s.end === null && s.resolveDueAt !== null && s.resolveDueAt < (c.pausedAt ?? now),
  );
  const called = resolving.filter(({ c }) => c.solved !== null);
  const rated = resolving.filter(({ c }) => c.satisfaction !== null);
  const accepted = segments.filter((s) => s.acceptedAt !== null && !s.redo);
  return {
    ...figures,
    counted: counted.length,
    responseRate: rate(answered.filter((s) => s.respondedOnTime).length, answered.length),
    onTimeResolutionRate: rate(resolvedOnTime.length, resolving.length + pastDue.length),
    solvedRate: rate(called.filter(({ c }) => c.solved === true).length, called.length),
    satisfactionRate: rate(rated.filter(({ c }) => c.satisfaction! >= 4).length, rated.length),
    mttaMs: mean(accepted.map((s) => s.acceptedAt! - s.dispatchedAt)),
    mttrMs: mean(resolving.map(({ s }) => s.endedAt! - s.dispatchedAt)),
    returns: segments.filter((s) => s.end === 'returned').length,
    overdue: segments.filter((s) => s.delayMs > 0).length,
    delayMs: segments.reduce((d, s) => d + s.delayMs, 0),
    supervised: counted.filter(({ c, s }) => c.supervisedAt !== null && heldAt(s, c.supervisedAt)).length,
    patrolFound: reported.filter((c) => c.closeReason === null).length,
  };
}

/** Appends to the list under `key`, starting it if needed. */
function addTo<T>(groups: Map<string, T[]>, key: string, item: T): void {
  const list = groups.get(key);
  if (list) list.push(item);
  else groups.set(key, [item]);
}

const sortedRows = (rows: AssessmentFigures[]) =>
  rows.sort((a, b) => b.counted - a.counted || a.key.localeCompare(b.key));

/**
 * The figures of every unit at every level. `placeOf` names a case's grid, community or street
 * (null when the grid has none above it).
 */
export function assessUnits(
  cases: readonly AssessedCase[],
  placeOf: (c: AssessedCase, level: 'grid' | 'community' | 'street') => string | null,
  now: number,
): Record<AccountableUnit, AssessmentFigures[]> {
  const places = (level: 'grid' | 'community' | 'street') => {
    const groups = new Map<string, AssessedCase[]>();
    for (const c of cases) {
      const key = placeOf(c, level);
      if (key !== null) addTo(groups, key, c);
    }
    return sortedRows([...groups].map(([key, group]) => assessPlace(level, key, group, now)));
  };
  const holders = (level: 'worker' | 'department') => {
    const groups = new Map<string, { c: AssessedCase; s: AssigneeSegment }[]>();
    for (const c of cases)
      for (const s of c.segments) {
        const key = level === 'worker' ? s.personId : s.departmentId;
        if (key !== null) addTo(groups, key, { c, s });
      }
    const reporters = new Map<string, AssessedCase[]>();
    if (level === 'worker')
      for (const c of cases)
        if (c.source === 'patrol' && c.reporterId !== null) {
          addTo(reporters, c.reporterId, c);
          if (!groups.has(c.reporterId)) groups.set(c.reporterId, []);
        }
    return sortedRows(
      [...groups].map(([key, held]) => holderFigures(level, key, held, reporters.get(key) ?? [], now)),
    );
  };
  return {
    grid: places('grid'),
    worker: holders('worker'),
    department: holders('department'),
    community: places('community'),
    street: places('street'),
  };
}
