import { apiText, AppError, authorize, resourceIn, RETURN_REASONS } from '@gridsense/core';
import { createCaseAdmin, parsePersonTarget } from '@gridsense/alerts';
import {
  findUserNames,
  getWorkCalendar,
  listCategories,
  listChannels,
  listDeliveryLog,
  listDepartments,
  listSlas,
  type TargetKind,
} from '@gridsense/state';
import type { Router } from 'express';
import type { WebDeps } from '../web-deps';
import { currentUser } from './current-user';
import { declaredRouter } from '../route-actions';

/**
 * The case rules: everyone signed in reads the taxonomy and deadlines (forms need them);
 * administrators read and change the rule list, rosters and channels of their region, and a
 * district administrator the taxonomy, SLAs and calendar (audited; `alerts/src/admin-service.ts`).
 */
export function caseAdminRoutes(deps: WebDeps): Router {
  const router = declaredRouter();
  const admin = createCaseAdmin({ db: deps.db, now: deps.now, regions: () => deps.cases.regions() });

  router.get('/api/case-config', async (request, response) => {
    currentUser(request);
    const [categories, slas, departments, calendar] = await Promise.all([
      listCategories(deps.db),
      listSlas(deps.db),
      listDepartments(deps.db),
      getWorkCalendar(deps.db),
    ]);
    response.json({ categories, slas, departments, calendar, returnReasons: RETURN_REASONS });
  });

  router.get('/api/admin/dispatch-rules', async (request, response) => {
    const rules = await admin.listDispatchRules(currentUser(request));
    const userIds = rules.flatMap((rule) =>
      [rule.lead, ...rule.coHandlers].flatMap((ref) => (ref.kind === 'user' ? [ref.userId] : [])),
    );
    const names = Object.fromEntries(await findUserNames(deps.db, [...new Set(userIds)]));
    // The people a rule names, by name, so the console never shows their ids.
    response.json(rules.map((rule) => ({ ...rule, userNames: names })));
  });
  router.put('/api/admin/dispatch-rules/:id', async (request, response) => {
    response.json(
      await admin.setDispatchRule(currentUser(request), { ...request.body, id: request.params.id }),
    );
  });
  router.delete('/api/admin/dispatch-rules/:id', async (request, response) => {
    await admin.deleteDispatchRule(currentUser(request), request.params.id);
    response.status(204).end();
  });

  router.put('/api/admin/categories/:key', async (request, response) => {
    response.json(
      await admin.setCategory(currentUser(request), { ...request.body, key: request.params.key }),
    );
  });
  router.put('/api/admin/slas/:category/:severity', async (request, response) => {
    const { category, severity } = request.params;
    response.json(await admin.setSla(currentUser(request), category, severity, request.body));
  });
  router.get('/api/admin/fusion', async (request, response) => {
    response.json(await admin.getFusion(currentUser(request)));
  });
  router.put('/api/admin/fusion', async (request, response) => {
    response.json(await admin.setFusion(currentUser(request), request.body));
  });
  router.put('/api/admin/calendar', async (request, response) => {
    response.json(await admin.setCalendar(currentUser(request), request.body));
  });

  router.get('/api/admin/rosters', async (request, response) => {
    const shifts = await admin.listRosterShifts(currentUser(request));
    const names = await findUserNames(deps.db, [...new Set(shifts.map((shift) => shift.userId))]);
    // The console shows whose shift it is by name; the id stays for the API's own use.
    response.json(shifts.map((shift) => ({ ...shift, userName: names.get(shift.userId) ?? null })));
  });
  router.post('/api/admin/rosters', async (request, response) => {
    response.status(201).json(await admin.addRosterShift(currentUser(request), request.body));
  });
  router.delete('/api/admin/rosters/:id', async (request, response) => {
    const id = Number(request.params.id);
    if (!Number.isInteger(id))
      throw new AppError('validation_failed', apiText('field.mustBeNumber', { field: 'id' }));
    await admin.deleteRosterShift(currentUser(request), id);
    response.status(204).end();
  });

  router.get('/api/admin/channels', async (request, response) => {
    response.json(await admin.listChannels(currentUser(request)));
  });
  router.put('/api/admin/channels/:id', async (request, response) => {
    response.json(await admin.setChannel(currentUser(request), { ...request.body, id: request.params.id }));
  });
  router.delete('/api/admin/channels/:id', async (request, response) => {
    await admin.deleteChannel(currentUser(request), request.params.id);
    response.status(204).end();
  });

  /** The delivery log: every message and attempt, for a channel or a target kind. */
  router.get('/api/admin/deliveries', async (request, response) => {
    // Every region's messages are in the log: a district administrator's to read.
    const regions = deps.cases.regions();
    const district = regions.find((r) => r.parentId === null)?.id ?? '';
    authorize(currentUser(request), 'deliveries.read', resourceIn(regions, district));
    const { channel, kind } = request.query;
    if (kind !== undefined && !['inapp', 'push', 'channel'].includes(String(kind)))
      throw new AppError('validation_failed', apiText('notices.kindFilter'));
    const log = await listDeliveryLog(deps.db, {
      ...(typeof channel === 'string' ? { targetKind: 'channel' as TargetKind, targetId: channel } : {}),
      ...(typeof kind === 'string' && typeof channel !== 'string' ? { targetKind: kind as TargetKind } : {}),
      limit: 200,
    });
    // Whom each message went to, by name: a person (in-app, push, or a work message addressed
    // `dingtalk:u-…`) or a channel.
    const personOf = ({ targetKind, targetId }: (typeof log)[number]['message']) =>
      targetKind === 'person' ? (parsePersonTarget(targetId)?.userId ?? targetId) : targetId;
    const [people, channels] = await Promise.all([
      findUserNames(deps.db, [...new Set(log.map((entry) => personOf(entry.message)))]),
      listChannels(deps.db),
    ]);
    const channelNames = new Map(channels.map((c) => [c.id, c.name]));
    response.json(
      log.map((entry) => {
        const { targetKind, targetId } = entry.message;
        const targetName =
          (targetKind === 'channel' ? channelNames.get(targetId) : people.get(personOf(entry.message))) ??
          null;
        return { ...entry, message: { ...entry.message, targetName } };
      }),
    );
  });

  return router;
}
