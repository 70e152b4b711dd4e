import type { CaseRecord, RegionView, TimelineEntry } from '@gridsense/core';
import { rm } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeViolations, findAxeViolations, seriousViolations } from './harness/axe';
import { chromiumTestMode, launchChromium } from './harness/chromium';
import { buildComponentLab, openLab } from './harness/component-lab';

/** The tricky widgets, mounted alone in real Chromium: countdown, timeline, map colouring. */

const T0 = Date.UTC(2026, 10, 22, 0, 15); // 08:15 in Shanghai
const MINUTE = 60_000;
const OK = 'rgb(29, 122, 69)';
const URGENT = 'rgb(143, 86, 0)';
const OVERDUE = 'rgb(198, 40, 40)';

/** Browser-side code is passed as text: the tests' TypeScript has no DOM types. */
const styleOf = (selector: string, property: 'color' | 'fill' | 'stroke' | 'backgroundColor') =>
  `(() => { const el = document.querySelector('${selector}'); return el && getComputedStyle(el).${property}; })()`;

describe.skipIf(chromiumTestMode() === 'skip')('console widgets in real Chromium', () => {
  let browser: Browser;
  let labDir: string;

  beforeAll(async () => {
    labDir = await buildComponentLab();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    if (labDir) await rm(labDir, { recursive: true, force: true });
  });

  describe('deadline countdown', () => {
    type Deadlines = Pick<CaseRecord, 'state' | 'acceptDueAt' | 'resolveDueAt'>;
    const dispatched: Deadlines = {
      state: 'dispatched',
      acceptDueAt: T0 + 61 * MINUTE + 30_000,
      resolveDueAt: T0 + 120 * MINUTE,
    };

    it('ticks down live, turns amber under an hour and red once overdue', async () => {
      const lab = await openLab(browser, labDir, { clockAt: T0 });
      await lab.mount('DeadlineCountdown', { record: dispatched, showKind: true });
      const deadline = lab.page.getByTestId('deadline');
      const steps = [
        { afterMs: 0, text: '签收时限 剩 1小时1分', tone: 'ok', colour: OK },
        { afterMs: 2 * MINUTE, text: '签收时限 剩 59分30秒', tone: 'urgent', colour: URGENT },
        { afterMs: 59 * MINUTE, text: '签收时限 剩 30秒', tone: 'urgent', colour: URGENT },
        { afterMs: MINUTE, text: '签收时限 超时 30秒', tone: 'overdue', colour: OVERDUE },
        { afterMs: 3 * 60 * MINUTE, text: '签收时限 超时 3小时', tone: 'overdue', colour: OVERDUE },
      ];
      for (const step of steps) {
        await lab.page.clock.runFor(step.afterMs);
        await expect.poll(() => deadline.getAttribute('data-tone')).toBe(step.tone);
        expect((await deadline.innerText()).replace(/\s+/g, ' ')).toBe(step.text);
        expect(await lab.page.evaluate(styleOf('[data-testid="deadline"]', 'color'))).toBe(step.colour);
      }
      await lab.page.context().close();
    });

    it.each([
      [
        'accepted: the resolve clock',
        { state: 'accepted', acceptDueAt: null, resolveDueAt: T0 + 90 * MINUTE },
        'Resolve by 1h 30m left',
      ],
      ['overdue, in English', { ...dispatched, acceptDueAt: T0 - 125 * MINUTE }, 'Accept by overdue 2h 5m'],
      ['resolved: no clock', { ...dispatched, state: 'resolved' }, '—'],
    ] as const)('%s', async (_name, record, text) => {
      const lab = await openLab(browser, labDir, { clockAt: T0 });
      await lab.mount('DeadlineCountdown', { record, showKind: true }, 'en');
      expect((await lab.page.locator('#lab').innerText()).replace(/\s+/g, ' ').trim()).toBe(text);
      await lab.page.context().close();
    });
  });

  describe('case timeline', () => {
    const PHOTO =
      'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const entry = (id: number, over: Partial<TimelineEntry>): TimelineEntry => ({
      id,
      caseId: 'C1',
      at: T0 + id * MINUTE,
      actorId: 'system',
      actorName: '系统 GridSense',
      action: 'report',
      fromState: null,
      toState: 'reported',
      note: null,
      data: null,
      ...over,
    });
    const entries = [
      entry(1, { data: { metric: 'smoke', value: 22 } }),
      entry(2, { action: 'register', fromState: 'reported', toState: 'registered' }),
      entry(3, { action: 'dispatch', fromState: 'registered', toState: 'dispatched', note: '网格员 李洋' }),
      entry(4, {
        action: 'return',
        fromState: 'dispatched',
        toState: 'returned',
        actorName: '网格员 李洋',
        note: '不在本网格范围',
        data: { reason: 'not_my_grid' },
      }),
      entry(5, {
        action: 'resolve',
        fromState: 'accepted',
        toState: 'resolved',
        data: { photos: [PHOTO, PHOTO + '#2'] },
      }),
      entry(6, { action: 'risk_cleared', fromState: 'resolved', toState: 'resolved' }),
      entry(7, {
        action: 'future_action',
        fromState: 'resolved',
        toState: 'verified',
        data: { reason: 'made_up' },
      }),
    ];

    it.each([
      [
        'zh-CN',
        ['上报', '立案', '派遣', '退单', '办结', '风险消除', '其他操作'],
        '已派遣 → 已退单',
        '原因 非本网格',
        '11/22 08:19:00',
      ],
      [
        'en',
        ['Reported', 'Register', 'Dispatch', 'Return', 'Resolve', 'Risk cleared', 'Other action'],
        'Dispatched → Returned',
        'Reason Not my grid',
        '11/22, 08:19:00',
      ],
    ] as const)('tells the story in order in %s', async (locale, actions, states, reason, time) => {
      const lab = await openLab(browser, labDir);
      await lab.mount('CaseTimeline', { entries }, locale);
      const items = lab.page.getByTestId('timeline-entry');
      expect(
        await lab.page.evaluate(
          `[...document.querySelectorAll('[data-testid="timeline-entry"]')].map((el) => el.dataset.action)`,
        ),
      ).toEqual(entries.map((e) => e.action));
      expect(await items.locator('strong').allInnerTexts()).toEqual(actions);
      const returned = items.nth(3);
      expect((await returned.locator('.states').innerText()).replace(/\s+/g, ' ')).toBe(states);
      expect((await returned.locator('p').first().innerText()).replace(/\s+/g, ' ')).toBe(reason);
      expect(await returned.locator('.note').innerText()).toBe('不在本网格范围');
      expect(await returned.locator('time').innerText()).toBe(time);
      expect(await items.nth(4).locator('img').count()).toBe(2);
      // An action this console does not know yet is named as one, never by its code; an unknown
      // reason code is not shown as if it were one.
      expect(await items.nth(6).locator('p').count()).toBe(0);
      const serious = seriousViolations(await findAxeViolations(lab.page));
      expect(describeViolations(serious)).toBe('');
      await lab.page.context().close();
    });
  });

  describe('map colouring', () => {
    const square = (west: number, size = 0.01) => ({
      type: 'Polygon' as const,
      coordinates: [
        [
          [west, 30],
          [west + size, 30],
          [west + size, 30 + 0.01],
          [west, 30 + 0.01],
          [west, 30],
        ] as [number, number][],
      ],
    });
    const grid = (id: string, risk: RegionView['risk'], west: number, openCases: number): RegionView => ({
      id,
      level: 'grid',
      parentId: 'C1',
      name: `第${id.slice(-1)}网格`,
      boundary: square(west),
      openCases,
      overdueCases: 0,
      risk,
    });
    const regions: RegionView[] = [
      {
        id: 'C1',
        level: 'community',
        parentId: null,
        name: '江城社区',
        boundary: square(120, 0.03),
        openCases: 3,
        overdueCases: 0,
        risk: 'red',
      },
      grid('G1', 'red', 120, 2),
      grid('G2', 'yellow', 120.01, 1),
      grid('G3', 'green', 120.02, 0),
    ];
    const device = (id: string, lng: number, online: boolean, state = online ? 'online' : 'offline') => ({
      id,
      gridId: 'G1',
      type: 'smoke_detector',
      name: id,
      lat: 30.005,
      lng,
      online,
      lastSeenAt: T0,
      latest: {},
      report: { state, lastReportAt: T0, intervalMs: 60_000, overdueAfterMs: 180_000 },
    });
    const pin = (id: string, severity: string, gridId: string, deviceId: string | null) => ({
      id,
      title: id,
      severity,
      gridId,
      deviceId,
      state: 'dispatched',
    });
    const props = {
      regions,
      devices: [
        device('d-on', 120.003, true),
        device('d-off', 120.007, false),
        device('d-late', 120.005, true, 'overdue'),
      ],
      cases: [pin('C-crit', 'critical', 'G1', 'd-on'), pin('C-warn', 'warning', 'G2', null)],
      selectedId: null,
    };

    it('fills each grid with its risk colour, the one its legend swatch shows', async () => {
      const lab = await openLab(browser, labDir);
      await lab.mount('GridMap', props);
      const expected = { red: 'rgb(214, 69, 69)', yellow: 'rgb(224, 161, 0)', green: 'rgb(46, 158, 91)' };
      for (const [id, risk] of [
        ['G1', 'red'],
        ['G2', 'yellow'],
        ['G3', 'green'],
      ] as const) {
        const fill = await lab.page.evaluate(styleOf(`[data-testid="grid-${id}"]`, 'fill'));
        const swatch = await lab.page.evaluate(
          styleOf(`[data-testid="map-legend"] [data-risk="${risk}"] .swatch`, 'backgroundColor'),
        );
        expect([id, fill, swatch]).toEqual([id, expected[risk], expected[risk]]);
        expect(await lab.page.getByTestId(`grid-${id}`).getAttribute('aria-label')).toContain(
          { red: '高风险', yellow: '中风险', green: '低风险' }[risk],
        );
      }
      expect(await lab.page.getByTestId('map-legend').innerText()).toContain('高风险 · 紧急风险正在告警');
      await lab.page.context().close();
    });

    it('lets the keyboard reach and select every grid, and shows where focus is', async () => {
      const lab = await openLab(browser, labDir);
      await lab.mount('GridMap', props);
      const focused = () => lab.page.evaluate('document.activeElement?.dataset?.testid ?? null');
      await lab.page.keyboard.press('Tab');
      expect(await focused()).toBe('grid-G1');
      const before = await lab.page.evaluate(styleOf('[data-testid="grid-G2"]', 'stroke'));
      await lab.page.keyboard.press('Enter');
      await lab.page.keyboard.press('Tab');
      expect(await focused()).toBe('grid-G2');
      const ring = await lab.page.evaluate(styleOf('[data-testid="grid-G2"]', 'stroke'));
      expect([before, ring]).toEqual(['rgb(255, 255, 255)', 'rgb(11, 61, 145)']);
      await lab.page.keyboard.press(' ');
      expect(await lab.events()).toEqual([
        ['select', 'G1'],
        ['select', 'G2'],
      ]);
      await lab.page.context().close();
    });

    it('greys offline devices, rings overdue ones, pins open cases by severity, and passes axe', async () => {
      const lab = await openLab(browser, labDir);
      await lab.mount('GridMap', props);
      expect(await lab.page.evaluate(styleOf('[data-testid="device-d-off"]', 'fill'))).toBe(
        'rgb(107, 119, 133)',
      );
      expect(await lab.page.evaluate(styleOf('[data-testid="device-d-on"]', 'fill'))).toBe(
        'rgb(35, 103, 176)',
      );
      // Connected but silent past its interval: a hollow amber ring, as the legend shows it.
      expect(await lab.page.evaluate(styleOf('[data-testid="device-d-late"]', 'fill'))).toBe(
        'rgb(255, 255, 255)',
      );
      expect(await lab.page.evaluate(styleOf('[data-testid="device-d-late"]', 'stroke'))).toBe(
        'rgb(160, 79, 0)',
      );
      expect(await lab.page.getByTestId('device-d-late').locator('title').textContent()).toBe(
        'd-late · 报告逾期',
      );
      expect(await lab.page.getByTestId('map-legend').innerText()).toContain('报告逾期设备');
      expect(await lab.page.evaluate(styleOf('[data-testid="pin-C-crit"] .pin', 'fill'))).toBe(
        'rgb(207, 58, 58)',
      );
      expect(await lab.page.evaluate(styleOf('[data-testid="pin-C-warn"] .pin', 'fill'))).toBe(
        'rgb(168, 90, 0)',
      );
      expect(await lab.page.getByTestId('pin-C-crit').getAttribute('href')).toBe('#/cases/C-crit');
      expect(describeViolations(seriousViolations(await findAxeViolations(lab.page)))).toBe('');
      await lab.page.context().close();
    });
  });
});
