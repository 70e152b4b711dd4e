import { apiText, AppError, isLocale } from '@gridsense/core';
import { setPersonLocale } from '@gridsense/state';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

/**
 * A person's own language for what the platform sends them (notices, push, DingTalk/WeCom). The
 * console sends it when its language is switched; the server renders texts from keys in it.
 */
export function meLocaleRoutes(deps: WebDeps) {
  const router = declaredRouter();
  router.put('/api/me/locale', async (request, response) => {
    const locale = (request.body as { locale?: unknown } | undefined)?.locale;
    if (!isLocale(locale))
      throw new AppError('validation_failed', apiText('invalid.locale'), [apiText('locale.oneOf')]);
    await setPersonLocale(deps.db, currentUser(request).id, locale);
    response.json({ locale });
  });
  return router;
}
