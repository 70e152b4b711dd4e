/** Rules: declarative kinds, their validation and their pure, clock-passed-in evaluation steps. */
export * from './rules/rule-types';
export * from './rules/rule-common';
export * from './rules/band-order';
export * from './rules/validate-rule';
export * from './rules/threshold';
export * from './rules/rate';
export * from './rules/no-data';
export * from './rules/event';
export * from './rules/composite';
export * from './rules/raised-risk';
export * from './rules/rule-views';
