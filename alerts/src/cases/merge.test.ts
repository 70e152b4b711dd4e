import { beforeAll, afterEach, describe, expect, it } from 'vitest';
import { listAudit } from '@gridsense/state';
import { startCaseEnv, type CaseEnv, prepareCaseEnv, PREPARE_TIMEOUT_MS } from '../testing/case-env';
import { CORRIDOR_CALL } from '../testing/hotline-calls';
import { stateDialects } from '@gridsense/state/testing';

describe.each(stateDialects())('on %s', (dialect) => {
  beforeAll(() => prepareCaseEnv(dialect), PREPARE_TIMEOUT_MS);
  const MIN = 60_000;
  let env: CaseEnv;
  afterEach(async () => env?.stop());

  const corridorCall = CORRIDOR_CALL;

  describe('an operator merges two cases by hand (人工合并)', () => {
    it('the kept case takes in the other’s signals, device, caller and worse severity; the other closes as its duplicate', async () => {
      env = await startCaseEnv({ dialect });
      const op = await env.user('op1');
      const call = await env.cases.hotline(op, corridorCall);
      env.clock.advance(2 * MIN);
      const alarm = (await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical'))!;
      expect(alarm.caseId).not.toBe(call.caseId);
      await env.deliver();
      const before = env.notified.length;

      env.clock.advance(MIN);
      const merged = await env.cases.merge(op, call.caseId, alarm.caseId, '同一栋楼，现场确认为同一事项');
      expect(merged).toMatchObject({
        id: call.caseId,
        severity: 'critical',
        occurrences: 2,
        riskActive: true,
      });

      const kept = await env.cases.detail(op, call.caseId);
      expect(kept.sources.map((s) => [s.kind, s.deviceId])).toEqual([
        ['hotline', null],
        ['auto', 'smoke-G01-1'],
      ]);
      const entry = kept.timeline.find((e) => e.action === 'merged')!;
      expect(entry).toMatchObject({ actorId: 'u-op1', note: '同一栋楼，现场确认为同一事项' });
      expect(entry.data).toMatchObject({
        caseId: alarm.caseId,
        kind: 'auto',
        title: 'smoke-high 告警',
        deviceId: 'smoke-G01-1',
        deviceName: '江城社区第1网格 烟感 1号',
        deviceType: 'smoke_detector',
        location: { lat: 30.257764, lng: 120.155131 },
        severityRaised: { from: 'warning', to: 'critical' },
      });
      expect(await env.record(alarm.caseId)).toMatchObject({
        state: 'closed',
        closeReason: 'duplicate',
        duplicateOfId: call.caseId,
      });

      // The device's next firing is an occurrence of the kept case (its cause moved with it).
      env.clock.advance(MIN);
      expect(await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical')).toEqual({
        caseId: call.caseId,
        outcome: 'fused',
      });

      // The desk heard that the severity rose; the merge is on the audit chain.
      await env.deliver();
      const raised = env.notified.slice(before).filter((n) => n.notice.kind === 'severity_raised');
      expect(raised.map((n) => n.userId)).toEqual(expect.arrayContaining(['u-sup1', 'u-op1']));
      expect(
        (await listAudit(env.db, { entityId: call.caseId, action: 'case.merged', limit: 5 })).map(
          (a) => a.actorId,
        ),
      ).toEqual(['u-op1']);
    });

    it('a patrol report merged into an alarm case shows its photo and place on the kept case', async () => {
      env = await startCaseEnv({ dialect });
      const alarm = (await env.risk('smoke-G01-2', 'G01', 'smoke-high', 'fire_safety', 'critical'))!;
      const photo = '/api/photos/3f0e2e0e-0000-4000-8000-00000000000b.jpg';
      const patrol = await env.cases.report(await env.user('worker01'), {
        title: '楼道有烟味',
        description: '2 单元楼道有烟味',
        category: 'fire_safety',
        subcategory: null,
        caseType: null,
        severity: 'warning',
        location: { lat: 30.2672, lng: 120.1507 },
        address: '江城社区 2 单元',
        photos: [photo],
        selfHandle: false,
      });
      const op = await env.user('op1');
      await env.cases.merge(op, alarm.caseId, patrol.caseId, null);
      const entry = (await env.cases.detail(op, alarm.caseId)).timeline.find((e) => e.action === 'merged')!;
      expect(entry.data).toMatchObject({
        kind: 'patrol',
        title: '楼道有烟味',
        photos: [photo],
        address: '江城社区 2 单元',
        location: { lat: 30.2672, lng: 120.1507 },
        reporterId: 'u-worker01',
        reporterName: expect.stringContaining('网格员'),
      });
      expect(entry.data?.severityRaised).toBeUndefined();
    });

    it.each<[string, string, (ids: { a: string; b: string }) => [string, string], string]>([
      ['a grid worker may not merge', 'worker01', ({ a, b }) => [a, b], 'forbidden'],
      ['a case into itself', 'op1', ({ a }) => [a, a], 'validation_failed'],
      ['a case outside the person’s region', 'sup2', ({ a, b }) => [a, b], 'not_found'],
      ['an unknown case', 'op1', ({ a }) => [a, 'C-nope'], 'not_found'],
    ])('refused: %s', async (_name, username, pick, code) => {
      env = await startCaseEnv({ dialect });
      const op = await env.user('op1');
      const a = (await env.cases.hotline(op, corridorCall)).caseId;
      const b = (await env.risk('smoke-G01-1', 'G01', 'smoke-high', 'fire_safety', 'critical'))!.caseId;
      const [kept, absorbed] = pick({ a, b });
      await expect(env.cases.merge(await env.user(username), kept, absorbed, null)).rejects.toMatchObject({
        code,
      });
      expect(await env.record(b)).toMatchObject({ state: 'dispatched' });
    });
  });
});
