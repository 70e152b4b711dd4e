/**
 * 智能分拨: suggests a taxonomy leaf for a hotline or patrol description. A multinomial naive Bayes
 * over character uni-, bi- and tri-grams (Chinese needs no tokenizer at that grain), trained from
 * closed cases' (text, final category). Counts only grow, so training is incremental; suggestions
 * are deterministic (ties go to the smaller key). Pure: the alerts side decides what to train on.
 */

import { apiText } from './api-texts';
import type { Problem } from './errors';
import type { HandlerRef } from './case-routing';

export interface CategorySuggestion {
  /** A taxonomy key, usually a leaf (`fire_safety.hazard.blocked_exit`). */
  key: string;
  /** Posterior probability, tempered so that it means "how sure", not NB's near-certain 1.0. */
  confidence: number;
}

export interface IntakeClassifier {
  /** Training examples per key. */
  docs: Map<string, number>;
  /** n-gram counts per key, and each key's total. */
  grams: Map<string, Map<string, number>>;
  totals: Map<string, number>;
  vocabulary: Set<string>;
  examples: number;
}

/** Laplace smoothing for unseen n-grams. */
const ALPHA = 0.5;
/**
 * Naive Bayes multiplies dozens of dependent n-gram likelihoods and so is overconfident; the log
 * scores are divided by this many n-grams' worth before the softmax (the average per n-gram).
 */
const TEMPERATURE_PER_GRAMS = 2;
export const SUGGESTION_TEXT_MAX = 2000;

/** Letters, digits and CJK only, lower-cased: punctuation and spaces carry no category. */
function normalize(text: string): string[] {
  return [...text.toLowerCase()].filter((ch) => /[\p{L}\p{N}]/u.test(ch));
}

/** Character 1-, 2- and 3-grams of the text, with repeats (multinomial counts). */
export function textGrams(text: string): string[] {
  const chars = normalize(text);
  const grams: string[] = [];
  for (let n = 1; n <= 3; n++)
    for (let i = 0; i + n <= chars.length; i++) grams.push(chars.slice(i, i + n).join(''));
  return grams;
}

export function createIntakeClassifier(): IntakeClassifier {
  return { docs: new Map(), grams: new Map(), totals: new Map(), vocabulary: new Set(), examples: 0 };
}

/** Adds one example; an empty text teaches nothing. */
export function trainIntakeClassifier(model: IntakeClassifier, text: string, key: string): void {
  const grams = textGrams(text);
  if (grams.length === 0) return;
  model.examples++;
  model.docs.set(key, (model.docs.get(key) ?? 0) + 1);
  const counts = model.grams.get(key) ?? new Map<string, number>();
  model.grams.set(key, counts);
  for (const gram of grams) {
    counts.set(gram, (counts.get(gram) ?? 0) + 1);
    model.vocabulary.add(gram);
  }
  model.totals.set(key, (model.totals.get(key) ?? 0) + grams.length);
}

/**
 * The `limit` likeliest keys for the text, most likely first. Confidences are a tempered softmax
 * over every trained key, so the listed ones sum to at most 1. No n-gram the model knows: none.
 */
export function suggestCategories(model: IntakeClassifier, text: string, limit = 3): CategorySuggestion[] {
  const grams = textGrams(text).filter((gram) => model.vocabulary.has(gram));
  if (grams.length === 0 || model.examples === 0) return [];
  const v = model.vocabulary.size;
  const keys = [...model.docs.keys()].sort();
  const scores = keys.map((key) => {
    const counts = model.grams.get(key)!;
    const denominator = Math.log(model.totals.get(key)! + ALPHA * v);
    let score = Math.log(model.docs.get(key)! / model.examples);
    for (const gram of grams) score += Math.log((counts.get(gram) ?? 0) + ALPHA) - denominator;
    return score;
  });
  const temperature = Math.max(1, grams.length / TEMPERATURE_PER_GRAMS);
  const top = Math.max(...scores);
  const weights = scores.map((s) => Math.exp((s - top) / temperature));
  const sum = weights.reduce((a, b) => a + b, 0);
  return keys
    .map((key, i) => ({ key, confidence: weights[i]! / sum }))
    .sort((a, b) => b.confidence - a.confidence || (a.key < b.key ? -1 : 1))
    .slice(0, limit);
}

/** Top-1 and top-3 hit rates of suggestions against what was chosen (0 when there are none). */
export function agreementOf(pairs: readonly { suggested: readonly string[]; chosen: string }[]): {
  count: number;
  top1: number;
  top3: number;
} {
  if (pairs.length === 0) return { count: 0, top1: 0, top3: 0 };
  const top1 = pairs.filter((p) => p.suggested[0] === p.chosen).length;
  const top3 = pairs.filter((p) => p.suggested.slice(0, 3).includes(p.chosen)).length;
  return { count: pairs.length, top1: top1 / pairs.length, top3: top3 / pairs.length };
}

/** `POST /api/intake/suggest`: `{ text }`, 1–2000 characters once trimmed. */
export function parseSuggestRequest(
  input: unknown,
): { ok: true; text: string } | { ok: false; errors: Problem[] } {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return { ok: false, errors: [apiText('field.bodyMustBeObject')] };
  const { text } = input as Record<string, unknown>;
  if (typeof text !== 'string')
    return { ok: false, errors: [apiText('field.mustBeString', { field: 'text' })] };
  const trimmed = text.trim();
  if (!trimmed) return { ok: false, errors: [apiText('intake.textEmpty')] };
  if (trimmed.length > SUGGESTION_TEXT_MAX)
    return { ok: false, errors: [apiText('intake.textTooLong', { max: SUGGESTION_TEXT_MAX })] };
  return { ok: true, text: trimmed };
}

/**
 * The suggestion a report was made with (`suggested` on a hotline or patrol body): up to three
 * taxonomy keys, best first. Absent: undefined; malformed: a problem in `errors`.
 */
export function parseSuggestedKeys(value: unknown, errors: Problem[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (
    !Array.isArray(value) ||
    value.length > 3 ||
    value.some((key) => typeof key !== 'string' || !/^[a-z][a-z0-9_.]{0,199}$/.test(key))
  ) {
    errors.push(apiText('intake.suggestedKeys'));
    return undefined;
  }
  return value as string[];
}

/** Where a suggested category's cases go: the lead of its dispatch rule, as the case will be routed. */
export type SuggestedRoute =
  | { kind: 'department'; departmentId: string; departmentName: string }
  | { kind: Exclude<HandlerRef['kind'], 'department'> };

export interface IntakeSuggestionView {
  key: string;
  category: string;
  subcategory: string | null;
  caseType: string | null;
  confidence: number;
  route: SuggestedRoute | null;
}

export interface IntakeSuggestionsView {
  suggestions: IntakeSuggestionView[];
  /** What the model learned from: closed cases, plus the seed texts while there are few. */
  trainedOn: { closedCases: number; seedTexts: number };
}

export interface IntakeAgreementView {
  from: number;
  count: number;
  top1: number;
  top3: number;
  byChannel: Record<'hotline' | 'patrol', { count: number; top1: number; top3: number }>;
}
