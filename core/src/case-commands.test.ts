import { describe, expect, it } from 'vitest';
import { parseCaseCommand } from './case-commands';
import type { CaseCommand } from './case-types';
import { inEnglish } from './errors';

const PHOTO_ID = '3f0e2e0e-0000-4000-8000-000000000001';

describe('parseCaseCommand', () => {
  const actions =
    'register, dispatch, accept, return, arrive, pause, resume, resolve, verify, reject, void, decline, return_upstream, close, feedback, reopen, escalate, request_extension, approve_extension, refuse_extension, supervise, unsupervise';
  const reasons =
    'not_my_grid, wrong_category, duplicate, needs_department, not_my_duty, cannot_locate, other';
  it.each<[string, unknown, string[]]>([
    ['null', null, ['body must be an object']],
    ['a string', 'register', ['body must be an object']],
    ['no action', {}, [`action must be one of ${actions}`]],
    ['unknown action', { action: 'teleport' }, [`action must be one of ${actions}`]],
    ['dispatch without assignee', { action: 'dispatch' }, ['assigneeId is required']],
    ['dispatch with empty assignee', { action: 'dispatch', assigneeId: '' }, ['assigneeId is required']],
    ['dispatch with numeric assignee', { action: 'dispatch', assigneeId: 7 }, ['assigneeId is required']],
    [
      'dispatch with bad co-handlers and a department',
      { action: 'dispatch', assigneeId: 'u', coHandlerIds: ['a', 3], departmentId: 'd' },
      ['coHandlerIds must be a list of user ids', 'departmentId is set by the platform, not the caller'],
    ],
    [
      'return with a bad reason and note',
      { action: 'return', reason: 'bored', note: 5 },
      [`reason must be one of ${reasons}`, 'note must be a string'],
    ],
    [
      'arrive with photos not a list',
      { action: 'arrive', photos: 'a.jpg' },
      ['photos must be a list of photo URLs'],
    ],
    ['pause without a reason', { action: 'pause' }, ['reason is required']],
    [
      'resolve without note and bad photos',
      { action: 'resolve', photos: [1] },
      ['note is required', 'photos must be a list of photo URLs'],
    ],
    [
      'resolve with photos not a list',
      { action: 'resolve', note: 'x', photos: 'a.jpg' },
      ['photos must be a list of photo URLs'],
    ],
    ...[
      'https://x/1.jpg',
      'javascript:alert(1)',
      '/api/photos/a.jpg',
      '/api/photos/../state.db',
      `/api/photos/${PHOTO_ID}.html`,
      `/api/photos/${PHOTO_ID}.png?x=1`,
      `https://evil.example/api/photos/${PHOTO_ID}.png`,
    ].map((photo): [string, unknown, string[]] => [
      `resolve with the photo ${photo}`,
      { action: 'resolve', note: 'x', photos: [photo] },
      ['photos must be photos uploaded to /api/photos'],
    ]),
    [
      'arrive with 21 photos',
      { action: 'arrive', photos: Array.from({ length: 21 }, () => `/api/photos/${PHOTO_ID}.jpg`) },
      ['photos must hold at most 20 photos'],
    ],
    ['verify with a numeric note', { action: 'verify', note: 5 }, ['note must be a string']],
    [
      'feedback without fields',
      { action: 'feedback', comment: 1 },
      ['satisfaction must be a number 1–5', 'solved must be true or false', 'comment must be a string'],
    ],
    ['reopen without note', { action: 'reopen' }, ['note is required']],
    ['reject without note', { action: 'reject' }, ['note is required']],
    [
      'void with an unknown reason',
      { action: 'void', reason: 'done', note: 7 },
      ['reason must be one of void, false_alarm, duplicate', 'note must be a string'],
    ],
    ['duplicate naming no case', { action: 'void', reason: 'duplicate' }, ['duplicateOfId is required']],
    [
      'void naming a case it duplicates',
      { action: 'void', reason: 'void', note: 'x', duplicateOfId: 'c-1' },
      ['duplicateOfId is only for a duplicate'],
    ],
    [
      'escalate without a reason to a made-up level',
      { action: 'escalate', level: 'city' },
      ['reason is required', 'level must be one of grid, community, street, district'],
    ],
  ])('rejects %s', (_name, input, errors) => {
    const parsed = parseCaseCommand(input);
    expect(parsed.ok ? parsed : { ...parsed, errors: inEnglish(parsed.errors) }).toEqual({
      ok: false,
      errors,
    });
  });

  it.each<CaseCommand>([
    ...(['register', 'accept', 'arrive', 'resume', 'close', 'verify'] as const).map((action) => ({ action })),
    { action: 'dispatch', assigneeId: 'w2' },
    { action: 'dispatch', assigneeId: 'w2', coHandlerIds: ['h1'], note: '改派消防' },
    { action: 'return', reason: 'duplicate', note: 'see c-9' },
    { action: 'return', reason: 'not_my_duty' },
    { action: 'arrive', photos: [`/api/photos/${PHOTO_ID}.jpg`] },
    { action: 'pause', reason: '等待供电公司' },
    {
      action: 'resolve',
      note: 'done',
      photos: [`/api/photos/${PHOTO_ID}.png`, `/api/photos/${PHOTO_ID}.webp`],
    },
    { action: 'verify', note: 'checked on site' },
    { action: 'feedback', satisfaction: 4, solved: true },
    { action: 'feedback', satisfaction: 1, solved: false, comment: '没修好' },
    { action: 'reopen', note: 'again' },
    { action: 'reject', note: '现场未清理干净' },
    { action: 'void', reason: 'false_alarm', note: '蒸汽误报' },
    { action: 'void', reason: 'duplicate', duplicateOfId: 'c-9' },
    { action: 'escalate', reason: '吹哨', level: 'street' },
  ])('accepts %o', (command) => {
    expect(parseCaseCommand(command)).toEqual({ ok: true, command });
  });
});
