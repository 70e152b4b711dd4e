import type { ApiMessagePattern } from './api-messages.zh-CN';

/**
 * Why a notification delivery failed, as the delivery log stores it (alerts/src/notify): the
 * receiving side's answer, a timeout, or a target that is gone.
 */
export const DELIVERY_ERRORS_ZH_CN: readonly ApiMessagePattern[] = [
  [/^HTTP (\d{3})$/, (m) => `对方返回 HTTP ${m[1]}`],
  [/^no answer within (\d+) ms$/, (m) => `${Math.round(Number(m[1]) / 1000)} 秒内无应答`],
  [/^the answer was cut off$/, () => '应答中途断开'],
  [
    /^the answer was not JSON$|^the robot answered with something other than JSON$/,
    () => '对方应答不是 JSON',
  ],
  [/^errcode (-?\d+): (.*)$/, (m) => `对方错误码 ${m[1]}${m[2] ? `：${m[2]}` : ''}`],
  [/^the subscription is gone$/, () => '手机推送订阅已失效'],
  [/^the channel is deleted or disabled$/, () => '通知渠道已删除或停用'],
  [/^not a person target$/, () => '不是发给人员的消息'],
];
