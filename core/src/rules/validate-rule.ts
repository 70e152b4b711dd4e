import { apiText } from '../api-texts';
import { checkComposite } from './composite';
import { checkEvent } from './event';
import type { Problem } from '../errors';
import { checkNoData, checkOffline } from './no-data';
import { checkRate } from './rate';
import { RuleProblems } from './rule-checks';
import { RULE_KINDS, type Rule } from './rule-types';
import { checkThreshold } from './threshold';

export type RuleValidation = { ok: true; rule: Rule } | { ok: false; errors: Problem[] };

const CHECKS = {
  threshold: checkThreshold,
  rate: checkRate,
  no_data: checkNoData,
  offline: checkOffline,
  event: checkEvent,
  composite: checkComposite,
} satisfies Record<Rule['kind'], unknown>;

/** Validates a rule definition from JSON, listing every problem at once. */
export function validateRule(input: unknown): RuleValidation {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, errors: [apiText('field.mustBeObject', { field: 'rule' })] };
  const rule = input as Record<string, unknown>;
  const problems = new RuleProblems();
  const kind = rule.kind as Rule['kind'];
  if (RULE_KINDS.includes(kind)) CHECKS[kind](problems, rule);
  else {
    problems.id(rule, 'id');
    problems.string(rule, 'name');
    problems.string(rule, 'category');
    problems.add(apiText('field.oneOf', { field: 'kind', values: RULE_KINDS.join(', ') }));
  }
  return problems.errors.length > 0
    ? { ok: false, errors: problems.errors }
    : { ok: true, rule: input as Rule };
}
