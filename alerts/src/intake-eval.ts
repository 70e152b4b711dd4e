import {
  createIntakeClassifier,
  suggestCategories,
  trainIntakeClassifier,
} from '@gridsense/core/intake-classifier';

export interface LabelledText {
  text: string;
  key: string;
}

export interface ClassifierEvaluation {
  trained: number;
  heldOut: number;
  labels: number;
  top1: number;
  top3: number;
  /** Top-3 accuracy of always suggesting the three most common training labels. */
  chanceTop3: number;
}

/** Every labelled seed text, in the order the table lists them. */
export function examplesFrom(table: Readonly<Record<string, readonly string[]>>): LabelledText[] {
  return Object.entries(table).flatMap(([key, texts]) => texts.map((text) => ({ text, key })));
}

/**
 * A deterministic split: within each label, every `every`-th text (the 3rd, 6th, …) is held out,
 * so each label is both trained on and tested.
 */
export function splitHeldOut(
  examples: readonly LabelledText[],
  every = 3,
): { train: LabelledText[]; test: LabelledText[] } {
  const seen = new Map<string, number>();
  const train: LabelledText[] = [];
  const test: LabelledText[] = [];
  for (const example of examples) {
    const n = (seen.get(example.key) ?? 0) + 1;
    seen.set(example.key, n);
    (n % every === 0 ? test : train).push(example);
  }
  return { train, test };
}

/** Trains on `train` and counts how often the held-out label is first, or among the top three. */
export function evaluateIntakeClassifier(
  train: readonly LabelledText[],
  test: readonly LabelledText[],
): ClassifierEvaluation {
  const model = createIntakeClassifier();
  for (const example of train) trainIntakeClassifier(model, example.text, example.key);
  let top1 = 0;
  let top3 = 0;
  for (const example of test) {
    const keys = suggestCategories(model, example.text, 3).map((s) => s.key);
    if (keys[0] === example.key) top1++;
    if (keys.includes(example.key)) top3++;
  }
  const frequency = [...model.docs.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const common = new Set(frequency.slice(0, 3).map(([key]) => key));
  const n = Math.max(1, test.length);
  return {
    trained: train.length,
    heldOut: test.length,
    labels: model.docs.size,
    top1: top1 / n,
    top3: top3 / n,
    chanceTop3: test.filter((e) => common.has(e.key)).length / n,
  };
}
