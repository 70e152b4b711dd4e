import type { ApiMessagePattern } from './api-messages.zh-CN';

const REPORT_KINDS: Record<string, string> = { day: '日点评', week: '周提示', month: '月通报' };
/** `day, week, month` → 日点评、周提示、月通报; undefined when one is not a report kind. */
const kindList = (list: string): string | undefined => {
  const names = list.split(', ').map((k) => REPORT_KINDS[k]);
  return names.every((n) => n !== undefined) ? names.join('、') : undefined;
};

const WEIGHTS: Record<string, string> = {
  response: '响应率',
  onTime: '按时办结率',
  solved: '解决率',
  satisfaction: '满意率',
};
const POINTS: Record<string, string> = {
  overduePenalty: '超时扣分',
  supervisedPenalty: '督办扣分',
  returnPenalty: '退单扣分',
  patrolBonus: '主动发现加分',
};

/** 简体中文 for the API's texts about 考核 and the scheduled reports. */
export const ASSESSMENT_MESSAGES_ZH_CN: readonly ApiMessagePattern[] = [
  [/^report (\S+) not found$/, (m) => `报告 ${m[1]} 不存在`],
  [/^scheme must be an object$/, () => '考核方案格式有误'],
  [/^at least one weight must be above 0$/, () => '至少一项权重须大于 0'],
  [
    /^weights\.(\w+) must be a number from 0 to 100$/,
    (m) => `${WEIGHTS[m[1]!] ?? m[1]!} 权重须为 0 到 100 之间的数`,
  ],
  [/^(\w+) must be a number from 0 to 100$/, (m) => `${POINTS[m[1]!] ?? m[1]!} 须为 0 到 100 之间的数`],
  [
    /^kind must be one of (.+)$/,
    (m) => (kindList(m[1]!) ? `报告类型必须是以下之一：${kindList(m[1]!)}` : undefined),
  ],
];
