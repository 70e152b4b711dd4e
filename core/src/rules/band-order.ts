import { SEVERITIES } from '../model';
import type { ThresholdBand } from './rule-types';

/**
 * The one home of band order. A band fires strictly above its `above`, and the graver band must
 * start higher: info < warning < critical. (A falling rate rule negates the change before its
 * bands apply, so its bands read the same way.) A band whose level is at or below that of a
 * milder band is out of order: it would fire first and hide the milder one.
 */
export interface BandOrderProblem {
  /** Index of the graver band in the rule's `bands`. */
  index: number;
  band: ThresholdBand;
  /** The milder band it does not rise above. */
  milder: ThresholdBand;
}

const rank = (band: ThresholdBand) => SEVERITIES.indexOf(band.severity);

export function bandOrderProblems(bands: readonly ThresholdBand[]): BandOrderProblem[] {
  const problems: BandOrderProblem[] = [];
  bands.forEach((band, index) => {
    // The highest-starting milder band is the one this band must rise above.
    let milder: ThresholdBand | undefined;
    for (const other of bands)
      if (rank(other) < rank(band) && (!milder || other.above > milder.above)) milder = other;
    if (milder && band.above <= milder.above) problems.push({ index, band, milder });
  });
  return problems;
}

/** A problem as the API states it, under the field it is about. */
export function describeBandOrder(problem: BandOrderProblem, prefix = ''): string {
  const { index, band, milder } = problem;
  return `${prefix}bands[${index}].above must be above ${milder.above}, where the milder ${milder.severity} band starts (${band.severity} is graver)`;
}
