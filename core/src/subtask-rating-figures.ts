import type { AssessmentFigures } from './assessment';
import type { AccountableUnit } from './case-unit-rates';
import { countRatings, type RatedSubtask, type RatingGrade } from './subtask-ratings';

type Place = 'grid' | 'community' | 'street';

/**
 * 协办好评率 into the 考核 figures: a person and a department answer for the lead side's ratings of
 * the sub-tasks they co-handled; a grid, community and street for the co-handlers' ratings of the
 * requests made on their cases. Only units already in the figures get the rate: a unit with
 * ratings and no case of the period is not ranked for them alone.
 */
export function withRatingRates(
  units: Record<AccountableUnit, AssessmentFigures[]>,
  rated: readonly Pick<RatedSubtask, 'gridId' | 'assigneeId' | 'departmentId' | 'ratings'>[],
  placeOf: (c: { gridId: string }, level: Place) => string | null,
): Record<AccountableUnit, AssessmentFigures[]> {
  const grades = new Map<string, RatingGrade[]>();
  const add = (level: AccountableUnit, key: string | null, grade: RatingGrade) => {
    if (key === null) return;
    const id = `${level}\u0000${key}`;
    const list = grades.get(id);
    if (list) list.push(grade);
    else grades.set(id, [grade]);
  };
  for (const row of rated) {
    const work = row.ratings.lead?.grade;
    if (work) {
      add('worker', row.assigneeId, work);
      add('department', row.departmentId, work);
    }
    const request = row.ratings.cohandler?.grade;
    if (request)
      for (const level of ['grid', 'community', 'street'] as const) add(level, placeOf(row, level), request);
  }
  const result = {} as Record<AccountableUnit, AssessmentFigures[]>;
  for (const [level, rows] of Object.entries(units) as [AccountableUnit, AssessmentFigures[]][])
    result[level] = rows.map((figures) => {
      const received = grades.get(`${level}\u0000${figures.key}`);
      return received ? { ...figures, cohandleGoodRate: countRatings(received).goodRate } : figures;
    });
  return result;
}
