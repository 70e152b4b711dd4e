import { describe, expect, it } from 'vitest';
import { inEnglish, type Problem } from './errors';
import {
  agreementOf,
  createIntakeClassifier,
  parseSuggestedKeys,
  parseSuggestRequest,
  suggestCategories,
  textGrams,
  trainIntakeClassifier,
} from './intake-classifier';

const TRAINING: [string, string][] = [
  ['楼道堆满纸箱杂物，堵住了消防通道', 'fire.exit'],
  ['消防通道被私家车占用，消防车进不来', 'fire.exit'],
  ['安全出口被锁死，疏散通道堆放杂物', 'fire.exit'],
  ['闻到很重的煤气味，怀疑燃气泄漏', 'gas.smell'],
  ['厨房燃气味道很大，担心漏气', 'gas.smell'],
  ['楼下燃气管道有异味', 'gas.smell'],
  ['路边垃圾桶满了，垃圾溢出来很臭', 'trash.overflow'],
  ['垃圾箱满溢没人清运，苍蝇很多', 'trash.overflow'],
  ['小区门口垃圾堆积好几天了', 'trash.overflow'],
];

function trained(examples: [string, string][] = TRAINING) {
  const model = createIntakeClassifier();
  for (const [text, key] of examples) trainIntakeClassifier(model, text, key);
  return model;
}

describe('textGrams', () => {
  it.each([
    ['', []],
    ['，。 !', []],
    ['火', ['火']],
    ['起火', ['起', '火', '起火']],
    ['消防通道', ['消', '防', '通', '道', '消防', '防通', '通道', '消防通', '防通道']],
    ['A b,c', ['a', 'b', 'c', 'ab', 'bc', 'abc']],
  ])('%j → %j', (text, grams) => {
    expect(textGrams(text)).toEqual(grams);
  });
});

describe('suggestCategories', () => {
  it.each([
    ['单元楼道里堆放杂物堵住了消防通道', 'fire.exit'],
    ['家里有燃气味', 'gas.smell'],
    ['垃圾桶满了没人清理', 'trash.overflow'],
    ['消防车进不来，通道被车堵了', 'fire.exit'],
  ])('%s → %s first', (text, key) => {
    expect(suggestCategories(trained(), text)[0]?.key).toBe(key);
  });

  it('lists at most the limit, most confident first, confidences in (0, 1] summing to at most 1', () => {
    const top = suggestCategories(trained(), '楼道燃气味，垃圾堆放', 3);
    expect(top).toHaveLength(3);
    expect(new Set(top.map((s) => s.key)).size).toBe(3);
    for (let i = 1; i < top.length; i++)
      expect(top[i - 1]!.confidence).toBeGreaterThanOrEqual(top[i]!.confidence);
    for (const s of top) expect(s.confidence).toBeGreaterThan(0);
    expect(top.reduce((sum, s) => sum + s.confidence, 0)).toBeLessThanOrEqual(1 + 1e-9);
    expect(suggestCategories(trained(), '楼道燃气味，垃圾堆放', 2)).toEqual(top.slice(0, 2));
  });

  it('is not certain from a few training cases (tempered confidences)', () => {
    const [first] = suggestCategories(trained(), '家里有燃气味');
    expect(first!.confidence).toBeLessThan(0.99);
    expect(first!.confidence).toBeGreaterThan(1 / 3);
  });

  it('suggests nothing for text it knows no character of, or with no training', () => {
    expect(suggestCategories(trained(), 'xyz 123')).toEqual([]);
    expect(suggestCategories(trained(), '')).toEqual([]);
    expect(suggestCategories(createIntakeClassifier(), '燃气味')).toEqual([]);
  });

  it('is deterministic whatever order it was trained in', () => {
    const reversed = trained([...TRAINING].reverse());
    expect(suggestCategories(reversed, '楼道里有燃气味')).toEqual(
      suggestCategories(trained(), '楼道里有燃气味'),
    );
  });

  it('breaks exact ties by key', () => {
    const model = trained([
      ['甲乙', 'b.key'],
      ['甲乙', 'a.key'],
    ]);
    const top = suggestCategories(model, '甲乙');
    expect(top.map((s) => s.key)).toEqual(['a.key', 'b.key']);
    expect(top[0]!.confidence).toBeCloseTo(0.5, 10);
  });

  it('learns incrementally: a new example moves the answer', () => {
    const model = trained();
    expect(suggestCategories(model, '电梯困人')[0]?.key).not.toBe('lift.trapped');
    trainIntakeClassifier(model, '电梯困人了，有人被关在电梯里', 'lift.trapped');
    expect(suggestCategories(model, '电梯困人')[0]?.key).toBe('lift.trapped');
    expect(model.examples).toBe(TRAINING.length + 1);
  });

  it('an empty training text teaches nothing', () => {
    const model = trained();
    trainIntakeClassifier(model, '。。', 'noise.key');
    expect(model.examples).toBe(TRAINING.length);
    expect(model.docs.has('noise.key')).toBe(false);
  });
});

describe('agreementOf', () => {
  it.each([
    [[], { count: 0, top1: 0, top3: 0 }],
    [[{ suggested: ['a', 'b', 'c'], chosen: 'a' }], { count: 1, top1: 1, top3: 1 }],
    [[{ suggested: ['a', 'b', 'c'], chosen: 'c' }], { count: 1, top1: 0, top3: 1 }],
    [[{ suggested: ['a', 'b', 'c', 'd'], chosen: 'd' }], { count: 1, top1: 0, top3: 0 }],
    [
      [
        { suggested: ['a'], chosen: 'a' },
        { suggested: ['a', 'b'], chosen: 'b' },
        { suggested: [], chosen: 'x' },
        { suggested: ['x', 'y'], chosen: 'z' },
      ],
      { count: 4, top1: 0.25, top3: 0.5 },
    ],
  ])('%j → %j', (pairs, expected) => {
    expect(agreementOf(pairs)).toEqual(expected);
  });
});

describe('parseSuggestRequest', () => {
  it.each([
    [{ text: ' 楼道堆物 ' }, { ok: true, text: '楼道堆物' }],
    [{ text: '火'.repeat(2000) }, { ok: true, text: '火'.repeat(2000) }],
    [{ text: '火'.repeat(2001) }, { ok: false, errors: ['text is longer than 2000 characters'] }],
    [{ text: ' \n ' }, { ok: false, errors: ['text is empty'] }],
    [{ text: 7 }, { ok: false, errors: ['text must be a string'] }],
    [{}, { ok: false, errors: ['text must be a string'] }],
    [null, { ok: false, errors: ['body must be an object'] }],
    [['text'], { ok: false, errors: ['body must be an object'] }],
  ])('%j → %j', (input, expected) => {
    const parsed = parseSuggestRequest(input);
    expect(parsed.ok ? parsed : { ...parsed, errors: inEnglish(parsed.errors) }).toEqual(expected);
  });
});

describe('parseSuggestedKeys', () => {
  it.each([
    [undefined, undefined, []],
    [null, undefined, []],
    [[], [], []],
    [
      ['fire_safety.hazard.blocked_exit', 'gas_safety'],
      ['fire_safety.hazard.blocked_exit', 'gas_safety'],
      [],
    ],
    [['a', 'b', 'c', 'd'], undefined, ['suggested must be up to three taxonomy keys']],
    [['Fire'], undefined, ['suggested must be up to three taxonomy keys']],
    [[1], undefined, ['suggested must be up to three taxonomy keys']],
    ['fire_safety', undefined, ['suggested must be up to three taxonomy keys']],
  ])('%j → %j', (value, keys, problems) => {
    const errors: Problem[] = [];
    expect(parseSuggestedKeys(value, errors)).toEqual(keys);
    expect(inEnglish(errors)).toEqual(problems);
  });
});
