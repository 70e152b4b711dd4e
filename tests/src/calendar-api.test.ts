import { DEFAULT_WORK_CALENDAR, type AuditEntryView, type WorkCalendar } from '@gridsense/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { startTestPlatform, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; details?: string[] } };

describe.each(stateDialects())(
  'the working calendar API: administrators only, every problem named, audited (%s)',
  (dialect) => {
    let env: TestPlatform;
    let admin: ApiClient;
    let op: ApiClient;

    beforeAll(async () => {
      env = await startTestPlatform({ dialect });
      [admin, op] = await Promise.all([env.login('admin'), env.login('op1')]);
    });
    afterAll(async () => env?.stop());

    const calendarNow = async () =>
      (await op.call<{ calendar: WorkCalendar }>('GET', '/api/case-config')).body.calendar;

    it('lets only administrators change it', async () => {
      const before = await calendarNow();
      const refused = await op.call<ErrorBody>('PUT', '/api/admin/calendar', DEFAULT_WORK_CALENDAR);
      expect(refused.status).toBe(403);
      expect(await calendarNow()).toEqual(before);
    });

    it('refuses a date that is both a holiday and a make-up day, with the other problems', async () => {
      const before = await calendarNow();
      const bad = await admin.call<ErrorBody>('PUT', '/api/admin/calendar', {
        ...before,
        hours: [{ start: '14:00', end: '12:00' }],
        makeupWorkdays: [...before.makeupWorkdays, '2026-10-01'],
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details).toEqual([
        'hours[0] must end after it starts and after the previous period',
        'makeupWorkdays 2026-10-01 is also a holiday',
      ]);
      expect(await calendarNow()).toEqual(before);
    });

    it('stores a new holiday, used by everyone reading the case rules, with an audit entry', async () => {
      const before = await calendarNow();
      const next = { ...before, holidays: [...before.holidays, '2026-12-31'] };
      const saved = await admin.call<WorkCalendar>('PUT', '/api/admin/calendar', next);
      expect(saved.status).toBe(200);
      expect((await calendarNow()).holidays).toContain('2026-12-31');
      const audit = await admin.call<AuditEntryView[]>(
        'GET',
        '/api/audit?entityType=calendar&entityId=work_calendar',
      );
      expect(audit.body.at(-1)).toMatchObject({
        action: 'admin.calendar_set',
        actorId: 'u-admin',
        data: { holidays: next.holidays },
      });
    });
  },
);
