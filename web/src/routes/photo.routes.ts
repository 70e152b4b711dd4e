import { AppError } from '@gridsense/core';
import express, { Router } from 'express';
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';

const TYPES: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };
const MAX_BYTES = 8 * 1024 * 1024;

/** Evidence photos (resolution, patrol reports), stored as files under the data dir. */
export function photoRoutes(deps: WebDeps): Router {
  const router = Router();
  const dir = join(deps.dataDir, 'photos');

  router.post(
    '/api/photos',
    express.raw({ type: Object.keys(TYPES), limit: MAX_BYTES }),
    async (request, response) => {
      currentUser(request);
      const extension = TYPES[request.headers['content-type']?.split(';')[0] ?? ''];
      if (!extension || !Buffer.isBuffer(request.body) || request.body.length === 0) {
        throw new AppError('validation_failed', 'send a JPEG, PNG or WebP image as the request body');
      }
      const name = `${randomUUID()}.${extension}`;
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, name), request.body);
      response.status(201).json({ url: `/api/photos/${name}` });
    },
  );

  router.get('/api/photos/:name', async (request, response) => {
    currentUser(request);
    const name = request.params.name;
    if (!/^[0-9a-f-]{36}\.(jpg|png|webp)$/.test(name)) throw new AppError('not_found', 'no such photo');
    const body = await readFile(join(dir, name)).catch(() => {
      throw new AppError('not_found', 'no such photo');
    });
    const type = Object.entries(TYPES).find(([, ext]) => name.endsWith(ext))![0];
    response.type(type).set('Cache-Control', 'private, max-age=86400').send(body);
  });

  return router;
}
