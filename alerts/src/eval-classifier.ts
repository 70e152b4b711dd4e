import { TAXONOMY_EXAMPLES } from '@gridsense/state';
import { evaluateIntakeClassifier, examplesFrom, splitHeldOut } from './intake-eval';

/**
 * `npm run eval:classifier`: trains the intake classifier on the seed descriptions minus every
 * third per category and reports top-1 / top-3 accuracy on those held out.
 */
const { train, test } = splitHeldOut(examplesFrom(TAXONOMY_EXAMPLES));
const result = evaluateIntakeClassifier(train, test);
const percent = (x: number) => `${(x * 100).toFixed(1)} %`;
console.log(
  `intake classifier: ${result.labels} categories, ${result.trained} training texts, ${result.heldOut} held out`,
);
console.log(`top-1 accuracy: ${percent(result.top1)}`);
console.log(`top-3 accuracy: ${percent(result.top3)}`);
console.log(`top-3 of always suggesting the three commonest: ${percent(result.chanceTop3)}`);
