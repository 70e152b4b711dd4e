import {
  API_TEXTS_EN,
  AppError,
  apiText,
  atField,
  CLOSE_REASONS,
  englishOf,
  placeholdersOf,
  SEVERITIES,
  type ApiText,
  type ApiTextKey,
} from '@gridsense/core';
import { describe, expect, it } from 'vitest';
import { renderApiText } from '../client/src/i18n/api-keyed-text';
import { apiTextIn, rememberApiText } from '../client/src/i18n/api-text';
import { ERROR_TEXTS_EN } from '../client/src/i18n/errors.en';
import { ERROR_TEXTS_ZH_CN } from '../client/src/i18n/errors.zh-CN';

const KEYS = Object.keys(API_TEXTS_EN) as ApiTextKey[];
const CJK = /[\u3400-\u9fff]/;
/** A placeholder left unfilled: `{id}`, `{role:role}`. */
const UNFILLED = /\{\w+(?::\w+)?\}/;
/** Three English words in a row: a Chinese text that kept part of the English. */
const ENGLISH_PHRASE = /\b[a-z]{2,} [a-z]{2,} [a-z]{2,}\b/i;

/** A value for each parameter name, as the server sends it: codes, ids and numbers. */
const SAMPLE_PARAMS: Record<string, string | number> = {
  id: 'G07',
  gridId: 'G13',
  expectedGridId: 'G02',
  field: 'note',
  method: 'GET',
  path: '/api/nowhere',
  version: 3,
  action: 'dispatch',
  state: 'closed',
  role: 'grid_worker',
  level: 'street',
  reasons: CLOSE_REASONS.join(', '),
  values: SEVERITIES.join(', '),
  max: 30,
  min: 1,
  count: 51,
  position: 2,
  ring: 1,
  chars: 'A-Z a-z 0-9 _ -',
  username: 'worker07',
  value: 'verification',
  name: 'Liucui 3',
  areaM2: '1,234',
  percent: '4.2',
  metric: 'temperature',
  deviceType: 'smoke_detector',
  known: 'smoke, battery',
  type: 'LineString',
  ids: 'smoke-G01-1, smoke-G01-2',
  distanceM: 120,
  shapes: 'deviceType + metric + above, or eventType (+ minConfidence)',
  milder: 'info',
  graver: 'warning',
  pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$',
  date: '2026-10-01',
  key: 'fire',
  parent: 'fire_safety',
  index: 3,
  keys: 'fire_exits_clear, gas_safe',
  kind: 'grid',
  suggested: 'u-worker05',
  original: 'C-1023',
  fields: 'caseId, state',
  seq: 3,
  anchored: 5,
  at: '2023-11-14T22:15:00.000Z',
  line: 2,
  // Why a delivery failed: `message` is the other side's own words, as sent
  status: 502,
  ms: 10000,
  code: 40001,
  message: 'invalid credential',
  host: 'push.example.com',
  address: '10.0.0.8',
};

function sampleOf(key: ApiTextKey): ApiText {
  const names = placeholdersOf(API_TEXTS_EN[key]);
  const missing = names.filter((name) => !Object.hasOwn(SAMPLE_PARAMS, name));
  if (missing.length > 0)
    throw new Error(`no sample for ${missing.join(', ')} of ${key}: add to SAMPLE_PARAMS`);
  return apiText(key, Object.fromEntries(names.map((name) => [name, SAMPLE_PARAMS[name]!])));
}

describe('the keyed API texts', () => {
  it('have a console text in both languages for every key, and no other', () => {
    expect(Object.keys(ERROR_TEXTS_ZH_CN).sort()).toEqual([...KEYS].sort());
    expect(Object.keys(ERROR_TEXTS_EN).sort()).toEqual([...KEYS].sort());
  });

  it('use in the console only parameters the server sends', () => {
    const stray = KEYS.flatMap((key) => {
      const sent = new Set(placeholdersOf(API_TEXTS_EN[key]));
      return [ERROR_TEXTS_ZH_CN[key], ERROR_TEXTS_EN[key]]
        .flatMap(placeholdersOf)
        .filter((name) => !sent.has(name))
        .map((name) => `${key}: {${name}}`);
    });
    expect(stray).toEqual([]);
  });

  it('render every key in Chinese from the key alone, without the regex catalogue', () => {
    const bad = KEYS.map((key) => [key, renderApiText('zh-CN', sampleOf(key))] as const).filter(
      ([, text]) => text === undefined || !CJK.test(text) || UNFILLED.test(text) || ENGLISH_PHRASE.test(text),
    );
    expect(bad).toEqual([]);
  });

  it('render every key in English with each parameter filled', () => {
    const bad = KEYS.map((key) => [key, renderApiText('en', sampleOf(key))] as const).filter(
      ([, text]) => text === undefined || UNFILLED.test(text) || CJK.test(text),
    );
    expect(bad).toEqual([]);
  });

  it.each<[ApiText, string, string]>([
    [
      apiText('case.cannotMove', { action: 'dispatch', state: 'closed' }),
      '工单已结案，不能派遣',
      'cannot dispatch a closed case',
    ],
    [
      apiText('case.roleMayNot', { role: 'grid_worker', action: 'verify' }),
      '网格员无权对此工单执行“核查通过”',
      'grid_worker may not verify this case',
    ],
    [
      apiText('case.alreadyAtLevel', { level: 'street' }),
      '工单已处于街道级',
      'the case is already at the street level',
    ],
    [
      apiText('people.usernameTaken', { username: 'worker07' }),
      '用户名 worker07 已被占用',
      'username worker07 is taken',
    ],
    [
      atField('scope.regionIds', apiText('rule.noRegion', { id: 'nowhere' })) as ApiText,
      'scope.regionIds：区域 nowhere 不存在',
      'scope.regionIds: no region nowhere',
    ],
    [
      apiText('field.oneOf', { field: 'severity', values: 'info, warning, critical' }),
      'severity 必须是以下之一：提示、预警、紧急',
      'severity must be one of info, warning, critical',
    ],
    [
      atField(
        'boundary',
        apiText('boundary.overlap', { id: 'G03', name: '柳翠三网格', areaM2: '1,234', percent: '4.2' }),
      ) as ApiText,
      'boundary：与网格 G03（柳翠三网格）重叠 1,234 平方米（占较小网格的 4.2 %）',
      'boundary: overlaps grid G03 (柳翠三网格) by 1,234 m² (4.2 % of the smaller grid)',
    ],
    [
      apiText('boundary.positionShape', { ring: 2, position: 5 }),
      '第 2 个内环第 5 个坐标点必须是 [经度, 纬度]',
      'hole 2 position 5 must be [longitude, latitude]',
    ],
    [
      apiText('boundary.ringNotList', { ring: 0 }),
      '外环必须是坐标点列表',
      'the outer ring must be a list of positions',
    ],
    [
      apiText('permission.registry'),
      '只有工程师和管理员可以管理设备台账',
      'the registry is for engineers and admins',
    ],
    [
      apiText('field.gridInRegion', { field: 'gridId' }),
      'gridId 必须是您辖区内的网格',
      'gridId must be a grid in your region',
    ],
    [
      apiText('field.charsRange', { field: 'id', min: 1, max: 64, chars: 'A-Z a-z 0-9 _ -' }),
      'id 必须是 1–64 个字符，只能包含 A-Z a-z 0-9 _ -',
      'id must be 1–64 of A-Z a-z 0-9 _ -',
    ],
    [
      atField('boundary', apiText('boundary.otherGrid', { gridId: 'G13', expectedGridId: 'G02' })) as ApiText,
      'boundary：文件中的要素属于网格 G13，不是 G02',
      'boundary: the feature is for grid G13, not G02',
    ],
    [
      apiText('rule.metricNotReported', {
        field: 'metric',
        metric: 'temperature',
        deviceType: 'smoke_detector',
        known: 'smoke, battery',
      }),
      'metric：smoke_detector 设备不上报 temperature（它上报 smoke, battery）',
      'metric temperature is not reported by smoke_detector (it reports smoke, battery)',
    ],
    [
      apiText('backtest.tooManyDevices', { max: 500 }),
      '范围内设备超过 500 台，请缩小规则范围',
      'more than 500 devices in scope: narrow the scope',
    ],
    [
      apiText('field.userIds', { field: 'coHandlerIds' }),
      'coHandlerIds 必须是用户 id 列表',
      'coHandlerIds must be a list of user ids',
    ],
    [
      apiText('field.listOf', { field: 'kinds', values: 'opened, assigned' }),
      'kinds 必须是由 新事件、派遣主办 组成的列表',
      'kinds must be a list of opened, assigned',
    ],
    [
      apiText('field.severity', { field: 'bands[1].severity' }),
      'bands[1].severity 必须是 提示、预警 或 紧急',
      'bands[1].severity must be info, warning or critical',
    ],
  ])('%j', (text, chinese, english) => {
    expect(renderApiText('zh-CN', text)).toBe(chinese);
    expect(englishOf(text)).toBe(english);
  });
});

describe('an API text in the console language', () => {
  it('comes from the key sent with it, in either language', () => {
    const text = apiText('notFound.grid', { id: 'G99' });
    expect(apiTextIn('zh-CN', englishOf(text), text)).toBe('网格 G99 不存在');
    expect(apiTextIn('en', englishOf(text), text)).toBe('Grid G99 not found');
  });

  it('comes from the key remembered for its English when only the English is at hand', () => {
    const text = apiText('conflict.case', { id: 'C-77' });
    expect(apiTextIn('en', 'case C-77 changed meanwhile; reload and try again')).toBe(
      'case C-77 changed meanwhile; reload and try again',
    );
    rememberApiText(englishOf(text), text);
    expect(apiTextIn('en', 'case C-77 changed meanwhile; reload and try again')).toBe(
      'Case C-77 changed meanwhile; reload and try again',
    );
  });

  it('falls back to the English as sent for a key this console does not know', () => {
    const unknown = { key: 'from.a.newer.server', params: {} } as unknown as ApiText;
    expect(apiTextIn('zh-CN', 'something new', unknown)).toBe('something new');
    expect(apiTextIn('en', 'something new', unknown)).toBe('something new');
  });
});

describe('AppError with keys', () => {
  it('writes the English of a keyed message and details, and keeps their keys beside them', () => {
    const error = new AppError('validation_failed', apiText('invalid.person'), [
      apiText('people.usernameTaken', { username: 'worker07' }),
      'name is required',
    ]);
    expect(error.message).toBe('invalid person');
    expect(error.text).toEqual({ key: 'invalid.person' });
    expect(error.details).toEqual(['username worker07 is taken', 'name is required']);
    expect(error.detailTexts).toEqual([
      { key: 'people.usernameTaken', params: { username: 'worker07' } },
      null,
    ]);
  });

  it('keeps prose as it was, with no keys', () => {
    const error = new AppError('conflict', 'the case changed', ['a detail']);
    expect([error.message, error.text, error.details, error.detailTexts]).toEqual([
      'the case changed',
      undefined,
      ['a detail'],
      undefined,
    ]);
  });
});
