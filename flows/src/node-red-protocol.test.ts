import { describe, expect, it } from 'vitest';
import { parseChildMessage } from './node-red-protocol';

const diff = { nodes: 3, added: { function: 1 }, removed: {}, changed: { inject: 1 } };

describe('parseChildMessage (what the platform accepts from Node-RED)', () => {
  it.each([
    [{ t: 'ready', port: 41234 }],
    [{ t: 'interest', telemetry: true, events: false, cases: true }],
    [{ t: 'deployed', username: 'eng1', diff }],
    [{ t: 'deployed', username: null, diff }],
    [{ t: 'log', level: 'warn', message: 'flows stopped' }],
    [{ t: 'editor.find', id: 1, username: 'eng1' }],
    [{ t: 'editor.authenticate', id: 2, username: 'eng1', password: 'secret' }],
  ])('keeps %j as it is', (message) => {
    expect(parseChildMessage(message)).toEqual(message);
  });

  it('keeps only the known fields of a message', () => {
    expect(parseChildMessage({ t: 'ready', port: 1880, db: '/data/state.db' })).toEqual({
      t: 'ready',
      port: 1880,
    });
    expect(
      parseChildMessage({
        t: 'deployed',
        username: 'eng1',
        diff: { ...diff, flows: ['whole flows'] },
        as: 'admin',
      }),
    ).toEqual({ t: 'deployed', username: 'eng1', diff });
    expect(
      parseChildMessage({ t: 'risk.raise', id: 3, config: {}, risk: { deviceId: 'd1' }, sql: 'x' }),
    ).not.toHaveProperty('sql');
  });

  it.each([
    ['not an object', 'ready'],
    ['an unknown type', { t: 'session.create', id: 1, userId: 'u-admin' }],
    ['a port out of range', { t: 'ready', port: 70000 }],
    ['interest that is not a flag', { t: 'interest', telemetry: 'yes', events: false, cases: false }],
    ['a request without an id', { t: 'editor.find', username: 'eng1' }],
    ['a username that is not text', { t: 'editor.find', id: 1, username: { $ne: null } }],
    [
      'an oversized password',
      { t: 'editor.authenticate', id: 1, username: 'eng1', password: 'p'.repeat(2000) },
    ],
    [
      'a diff with a negative count',
      { t: 'deployed', username: 'eng1', diff: { ...diff, added: { x: -1 } } },
    ],
    ['a diff without counts', { t: 'deployed', username: 'eng1', diff: { nodes: 1 } }],
    ['a log level that does not exist', { t: 'log', level: 'fatal', message: 'x' }],
  ])('drops %s', (_name, message) => {
    expect(parseChildMessage(message)).toBeUndefined();
  });

  it('cuts a long log line', () => {
    const parsed = parseChildMessage({ t: 'log', level: 'error', message: 'e'.repeat(10_000) });
    expect(parsed).toMatchObject({ t: 'log', level: 'error' });
    expect((parsed as { message: string }).message.length).toBe(4000);
  });
});
