import {
  authorize,
  categoryOf,
  gridsInRegion,
  pickDispatchRule,
  regionLineage,
  type CaseCategoryNode,
  type Region,
  type User,
} from '@gridsense/core';
import {
  agreementOf,
  createIntakeClassifier,
  suggestCategories,
  trainIntakeClassifier,
  type IntakeAgreementView,
  type IntakeClassifier,
  type IntakeSuggestionsView,
  type IntakeSuggestionView,
  type SuggestedRoute,
} from '@gridsense/core/intake-classifier';
import {
  countClosedCases,
  listCategories,
  listClosedCaseTexts,
  listDepartments,
  listDispatchRules,
  listIntakeChoices,
  TAXONOMY_EXAMPLES,
  type StateDb,
} from '@gridsense/state';

export interface IntakeSuggesterOptions {
  db: StateDb;
  now: () => number;
  regions: () => readonly Region[];
  /** Below this many closed cases the seed descriptions train too (default 200). */
  minClosedCases?: number;
  /** Retrain once this many more cases have closed than the model was trained on (default 20). */
  retrainAfterClosed?: number;
  /** Retrain after this long when any case has closed since (default 1 hour). */
  retrainEveryMs?: number;
  /** How often, at most, the closed cases are counted to decide either (default 1 minute). */
  checkEveryMs?: number;
}

/** The classification a taxonomy key stands for (`a.b.c` → category a, subcategory a.b, type a.b.c). */
function classificationOf(key: string): Pick<IntakeSuggestionView, 'category' | 'subcategory' | 'caseType'> {
  const parts = key.split('.');
  return {
    category: categoryOf(key),
    subcategory: parts.length >= 2 ? parts.slice(0, 2).join('.') : null,
    caseType: parts.length === 3 ? key : null,
  };
}

/**
 * 智能分拨: suggests a hotline or patrol case's category from its text, with the department the
 * dispatch rules send it to. Trained on the closed cases at the first request, and again once
 * enough more have closed; while there are few, the taxonomy's seed descriptions train too.
 */
export function createIntakeSuggester(options: IntakeSuggesterOptions) {
  const minClosedCases = options.minClosedCases ?? 200;
  const retrainAfterClosed = options.retrainAfterClosed ?? 20;
  const retrainEveryMs = options.retrainEveryMs ?? 3_600_000;
  const checkEveryMs = options.checkEveryMs ?? 60_000;
  let model: IntakeClassifier | undefined;
  let trainedOn = { closedCases: 0, seedTexts: 0 };
  let trainedAt = -Infinity;
  let checkedAt = -Infinity;
  let training: Promise<void> | undefined;

  async function train(categories: readonly CaseCategoryNode[]): Promise<void> {
    const known = new Set(categories.map((n) => n.key));
    const closed = (await listClosedCaseTexts(options.db)).filter((c) => known.has(c.key));
    const next = createIntakeClassifier();
    for (const c of closed) trainIntakeClassifier(next, c.text, c.key);
    let seedTexts = 0;
    if (closed.length < minClosedCases)
      for (const [key, texts] of Object.entries(TAXONOMY_EXAMPLES))
        if (known.has(key))
          for (const text of texts) {
            trainIntakeClassifier(next, text, key);
            seedTexts++;
          }
    model = next;
    trainedOn = { closedCases: closed.length, seedTexts };
    trainedAt = options.now();
  }

  /**
   * Trains when there is no model, when enough cases closed since, or when any did and the model
   * is old; one training at a time.
   */
  async function ensureTrained(categories: readonly CaseCategoryNode[]): Promise<void> {
    const at = options.now();
    if (model && at - checkedAt < checkEveryMs) return;
    checkedAt = at;
    training ??= (async () => {
      const moved = Math.abs((await countClosedCases(options.db)) - trainedOn.closedCases);
      if (!model || moved >= retrainAfterClosed || (moved > 0 && at - trainedAt >= retrainEveryMs))
        await train(categories);
    })().finally(() => {
      training = undefined;
    });
    await training;
  }

  return {
    /** The top three categories for the text (already validated), with where each is routed. */
    async suggest(user: User, text: string): Promise<IntakeSuggestionsView> {
      authorize(user, 'case.report');
      const [categories, rules, departments] = await Promise.all([
        listCategories(options.db),
        listDispatchRules(options.db),
        listDepartments(options.db),
      ]);
      await ensureTrained(categories);
      const known = new Set(categories.map((n) => n.key));
      const lineage = regionLineage(options.regions(), user.regionId).map((r) => r.id);
      const routeOf = (key: string): SuggestedRoute | null => {
        const rule = pickDispatchRule(rules, { ...classificationOf(key), lineage });
        if (!rule) return null;
        if (rule.lead.kind !== 'department') return { kind: rule.lead.kind };
        const { departmentId } = rule.lead;
        const name = departments.find((d) => d.id === departmentId)?.name ?? departmentId;
        return { kind: 'department', departmentId, departmentName: name };
      };
      const suggestions = suggestCategories(model!, text, 3)
        .filter((s) => known.has(s.key))
        .map((s) => ({
          key: s.key,
          ...classificationOf(s.key),
          confidence: s.confidence,
          route: routeOf(s.key),
        }));
      return { suggestions, trainedOn };
    },

    /** Top-1 / top-3 agreement of the kept suggestions with what people chose, from `from` on. */
    async agreement(user: User, from: number): Promise<IntakeAgreementView> {
      authorize(user, 'analytics.read');
      // Within the reader's region, as the rest of analytics.
      const choices = await listIntakeChoices(
        options.db,
        from,
        gridsInRegion(options.regions(), user.regionId),
      );
      const of = (channel: 'hotline' | 'patrol') => agreementOf(choices.filter((c) => c.channel === channel));
      return { from, ...agreementOf(choices), byChannel: { hotline: of('hotline'), patrol: of('patrol') } };
    },
  };
}

export type IntakeSuggester = ReturnType<typeof createIntakeSuggester>;
