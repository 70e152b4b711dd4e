import { apiText, AppError } from '@gridsense/core';
import express, { Router } from 'express';
import { createPhotoStore, MAX_PHOTO_BYTES, PHOTO_CONTENT_TYPES, photosDir } from '../photo-store';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

/**
 * A photo is served so that nothing in it can run: its own type (from its bytes), no sniffing, and
 * a sandbox policy should the file be opened on its own.
 */
const PHOTO_HEADERS = {
  'Content-Disposition': 'inline',
  'Content-Security-Policy': "sandbox; default-src 'none'",
  'X-Content-Type-Options': 'nosniff',
  // Access can end (a case moves to another grid): the browser asks again, cheaply, with its ETag.
  'Cache-Control': 'private, no-cache',
};

/**
 * Evidence photos (resolution, patrol reports): files under the data dir on SQLite, rows in the
 * state database on PostgreSQL, where every web node reads them (decision 0028).
 */
export function photoRoutes(deps: WebDeps): Router {
  const router = declaredRouter();
  const store = createPhotoStore({ db: deps.db, dir: photosDir(deps.dataDir), now: deps.now });

  router.post(
    '/api/photos',
    express.raw({ type: [...PHOTO_CONTENT_TYPES], limit: MAX_PHOTO_BYTES }),
    async (request, response) => {
      const user = currentUser(request);
      if (!Buffer.isBuffer(request.body) || request.body.length === 0)
        throw new AppError('validation_failed', apiText('photo.sendImage'));
      response.status(201).json(await store.save(user.id, request.body));
    },
  );

  router.get('/api/photos/:name', async (request, response) => {
    const user = currentUser(request);
    const name = request.params.name;
    const photo = (await deps.cases.canReadPhoto(user, name)) ? await store.read(name) : undefined;
    // Someone else's photo is "no such photo" too: its existence is not told.
    if (!photo) throw new AppError('not_found', apiText('photo.notFound'));
    response.type(photo.contentType).set(PHOTO_HEADERS).send(photo.body);
  });

  return router;
}
