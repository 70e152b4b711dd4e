import { apiText, type ApiText } from '../api-texts';
import { SEVERITIES } from '../model';
import type { FloorBand, ThresholdBand } from './rule-types';

/**
 * The one home of band order. An `above` band fires strictly above its level and the graver band
 * must start higher: info < warning < critical. A `below` band (low pressure, low battery) fires at
 * or below its level and the order mirrors: the graver band must start lower. (A falling rate rule
 * negates the change before its `above` bands apply, so its bands read as rising ones.) A band that
 * does not start beyond a milder band is out of order: it would fire first and hide the milder one.
 */
export type AnyBand = ThresholdBand | FloorBand;

export interface BandOrderProblem {
  /** Index of the graver band in the rule's `bands`. */
  index: number;
  band: AnyBand;
  /** The milder band it does not go beyond. */
  milder: AnyBand;
}

const rank = (band: AnyBand) => SEVERITIES.indexOf(band.severity);
/** A band's level. */
export const bandLevel = (band: AnyBand): number => ('below' in band ? band.below : band.above);
/** The level as it grows towards danger: higher for `above` bands, lower for `below` bands. */
const gravity = (band: AnyBand): number => ('below' in band ? -band.below : band.above);

export function bandOrderProblems(bands: readonly AnyBand[]): BandOrderProblem[] {
  const problems: BandOrderProblem[] = [];
  bands.forEach((band, index) => {
    // The milder band reaching furthest towards danger is the one this band must go beyond.
    let milder: AnyBand | undefined;
    for (const other of bands)
      if (rank(other) < rank(band) && (!milder || gravity(other) > gravity(milder))) milder = other;
    if (milder && gravity(band) <= gravity(milder)) problems.push({ index, band, milder });
  });
  return problems;
}

/** A problem as the API states it, under the field it is about. */
export function describeBandOrder(problem: BandOrderProblem, prefix = ''): ApiText {
  const { index, band, milder } = problem;
  const side = 'below' in band ? 'below' : 'above';
  return apiText(side === 'below' ? 'rule.bandBelow' : 'rule.bandAbove', {
    field: `${prefix}bands[${index}].${side}`,
    level: bandLevel(milder),
    milder: milder.severity,
    graver: band.severity,
  });
}
