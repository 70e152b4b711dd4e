import type { TimelineEntry } from '@gridsense/core';
import { describe, expect, it } from 'vitest';
import { en } from '../client/src/i18n/en';
import { zhCN, type MessageKey } from '../client/src/i18n/zh-CN';
import { timelineActionLabel, type Translate } from '../client/src/lib/code-labels';
import { entryHandover } from '../client/src/lib/handover';

const translator =
  (messages: Record<string, string>): Translate =>
  (key: MessageKey, params?: Record<string, string | number>) =>
    messages[key]!.replace(/\{(\w+)\}/g, (match, name: string) =>
      params && name in params ? String(params[name]) : match,
    );
const zh = translator(zhCN);
const english = translator(en);

const entry = (data: Record<string, unknown> | null, action = 'handover'): TimelineEntry => ({
  id: 1,
  caseId: 'c-1',
  at: 0,
  actorId: 'system',
  actorName: '系统 GridSense',
  action,
  fromState: 'dispatched',
  toState: 'dispatched',
  note: null,
  data,
});

describe('a handover entry on the case timeline, in both languages', () => {
  it.each<[string, Record<string, unknown> | null, string, string]>([
    [
      'to the one on duty',
      { reason: 'shift_ended', role: 'lead', fromName: '张三', toUserId: 'u-w2', toName: '李四' },
      '张三 → 李四（班次结束）',
      '张三 → 李四 (shift ended)',
    ],
    [
      'back to the dispatcher',
      { reason: 'disabled', role: 'lead', fromName: '张三', toUserId: null },
      '张三 的事件退回派遣（账号停用）',
      'Back to dispatch from 张三 (account disabled)',
    ],
    [
      "a co-handler's place lapsing",
      { reason: 'left_grid', role: 'co', fromName: '张三', toUserId: null },
      '张三 不再协办（调离网格）',
      '张三 no longer co-handles (left the grid)',
    ],
    [
      'an unknown reason and no names',
      { reason: 'x', role: 'lead', toUserId: 'u-w2' },
      '未知人员 → u-w2（其他操作）',
      'Unknown person → u-w2 (Other action)',
    ],
  ])('%s', (_what, data, zhText, enText) => {
    expect(entryHandover(entry(data), zh)).toBe(zhText);
    expect(entryHandover(entry(data), english)).toBe(enText);
  });

  it('says nothing for other entries, and names the action', () => {
    expect(entryHandover(entry({ reason: 'disabled' }, 'dispatch'), zh)).toBeNull();
    expect(timelineActionLabel('handover', zh)).toBe('交接');
    expect(timelineActionLabel('handover', english)).toBe('Handover');
  });
});
