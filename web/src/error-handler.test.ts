import { AppError, apiText, type ErrorBody } from '@gridsense/core';
import { createLogger } from '@gridsense/state';
import express from 'express';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorHandler } from './error-handler';

let base = '';
let close: () => void = () => {};

beforeAll(async () => {
  const app = express();
  app.use(express.json({ limit: '1kb' }));
  app.get('/keyed', () => {
    throw new AppError('validation_failed', apiText('invalid.person'), [
      apiText('people.usernameTaken', { username: 'worker07' }),
      'name is required',
    ]);
  });
  app.get('/prose', () => {
    throw new AppError('conflict', 'the case changed');
  });
  app.get('/crash', () => {
    throw new Error('boom');
  });
  app.post('/body', (_request, response) => void response.json({}));
  app.get('/things/:id', (_request, response) => void response.json({}));
  app.use(errorHandler(createLogger({ level: 'silent' })));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

async function errorOf(path: string, init?: RequestInit): Promise<[number, ErrorBody['error']]> {
  const response = await fetch(base + path, init);
  return [response.status, ((await response.json()) as ErrorBody).error];
}

describe('the error handler', () => {
  it('sends a keyed message and its details with their keys beside the English', async () => {
    expect(await errorOf('/keyed')).toEqual([
      400,
      {
        code: 'validation_failed',
        message: 'invalid person',
        text: { key: 'invalid.person' },
        details: ['username worker07 is taken', 'name is required'],
        detailTexts: [{ key: 'people.usernameTaken', params: { username: 'worker07' } }, null],
      },
    ]);
  });

  it('sends prose as before, with no keys', async () => {
    expect(await errorOf('/prose')).toEqual([409, { code: 'conflict', message: 'the case changed' }]);
  });

  it('keys its own answers: an internal error, a body too large or not JSON, a path that does not decode', async () => {
    const [status, crash] = await errorOf('/crash');
    expect([status, crash.code, crash.text]).toEqual([
      500,
      'internal_error',
      { key: 'request.internalError' },
    ]);
    const json = { method: 'POST', headers: { 'content-type': 'application/json' } };
    expect(
      (await errorOf('/body', { ...json, body: JSON.stringify({ x: 'y'.repeat(2000) }) }))[1].text,
    ).toEqual({
      key: 'request.tooLarge',
    });
    expect((await errorOf('/body', { ...json, body: '{"x":' }))[1].text).toEqual({ key: 'request.badJson' });
    expect((await errorOf('/things/%E0%A4%A'))[1].text).toEqual({ key: 'request.pathDoesNotDecode' });
  });
});
