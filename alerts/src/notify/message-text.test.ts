import type { NotificationChannel } from '@gridsense/state';
import { describe, expect, it } from 'vitest';
import { buildChannelRequest, type ChannelMessage } from './channel-senders';
import { workMessageText } from './work-messaging';

const message = (caseIds: string[]): ChannelMessage => ({
  kind: 'inspection_overdue',
  severity: 'warning',
  title: '巡检逾期',
  lines: ['菜市场 的巡检已逾期'],
  caseIds,
  count: 1,
  at: 0,
});

const channel = (kind: 'dingtalk' | 'wecom') =>
  ({ id: kind, kind, url: 'https://robot.test/send', secret: null }) as unknown as NotificationChannel;

const markdownOf = (kind: 'dingtalk' | 'wecom', caseIds: string[]): string => {
  const body = JSON.parse(buildChannelRequest(channel(kind), message(caseIds), 0).body) as {
    markdown: { text?: string; content?: string };
  };
  return body.markdown.text ?? body.markdown.content ?? '';
};

describe('the cases line of a channel or work message', () => {
  it.each([
    ['dingtalk', (ids: string[]) => markdownOf('dingtalk', ids)],
    ['wecom', (ids: string[]) => markdownOf('wecom', ids)],
    ['person (DingTalk/WeCom/SMS text)', (ids: string[]) => workMessageText(message(ids))],
  ] as const)('names the cases, and is left out for a notice about a place (%s)', (_name, textOf) => {
    const aboutCases = textOf(['C-1', 'C-2']);
    expect(aboutCases).toContain('事件：C-1、C-2');
    const aboutPlace = textOf([]);
    expect(aboutPlace).toContain('菜市场 的巡检已逾期');
    expect(aboutPlace).not.toContain('事件');
    expect(aboutPlace.endsWith('\n')).toBe(false);
  });
});
