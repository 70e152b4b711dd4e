import type { ApiMessagePattern } from './api-messages.zh-CN';

/** 简体中文 for the API's texts about 不予立案 (declining to register) and 非属地 (returning upstream). */
export const OUTCOME_MESSAGES_ZH_CN: readonly ApiMessagePattern[] = [
  [/^declining to register needs a note saying why$/, () => '不予立案需填写说明'],
  [/^only a hotline case is returned upstream$/, () => '只有热线工单可以非属地退回'],
  [/^returning upstream needs a note saying where it belongs$/, () => '非属地退回需填写应归属的区或部门'],
  [
    /^only the command centre and supervisors decline to register a case$/,
    () => '只有指挥中心和督导员可以不予立案',
  ],
  [
    /^only the command centre and supervisors return a hotline case upstream$/,
    () => '只有指挥中心和督导员可以将热线工单非属地退回',
  ],
];
