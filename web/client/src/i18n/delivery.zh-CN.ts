import type { ApiTextKey } from '@gridsense/core';

/** Why a notification delivery failed (`delivery.*` in core/src/api-texts.ts). */
export type DeliveryTextKey = Extract<ApiTextKey, `delivery.${string}`>;

/**
 * 简体中文 for why a delivery failed, as the delivery log stores it. `{message}` is what the other
 * side or the system said, shown as it said it; `{ms:seconds}` a time in milliseconds, in seconds.
 */
export const DELIVERY_TEXTS_ZH_CN: Record<DeliveryTextKey, string> = {
  'delivery.httpStatus': '对方返回 HTTP {status}',
  'delivery.timeout': '{ms:seconds} 秒内无应答',
  'delivery.cutOff': '应答中途断开',
  'delivery.notJson': '对方应答不是 JSON',
  'delivery.errcode': '对方错误码 {code}：{message}',
  'delivery.noErrcode': '对方应答中没有错误码',
  'delivery.subscriptionGone': '手机推送订阅已失效',
  'delivery.channelGone': '通知渠道已删除或停用',
  'delivery.notPersonTarget': '不是发给人员的消息',
  'delivery.notConfigured': '{kind:workChannel}未配置',
  'delivery.noRecipient': '此人未登记{kind:workRecipient}',
  'delivery.noAccessToken': '取不到访问令牌：对方返回 HTTP {status}',
  'delivery.noAccessTokenErrcode': '取不到访问令牌：对方返回 HTTP {status}，错误码 {code}：{message}',
  'delivery.notHttps': '推送地址必须是 https 地址',
  'delivery.urlCredentials': '推送地址不能带用户名或密码',
  'delivery.notPublicAddress': '{host} 不是公网地址',
  'delivery.resolvesPrivate': '{host} 解析为 {address}，不是公网地址',
  'delivery.noAddress': '{host} 解析不到地址',
  'delivery.error': '发送出错：{message}',
};

/** The work channels (`{kind:workChannel}`) and whom they reach a person by (`{kind:workRecipient}`). */
export const DELIVERY_TERMS_ZH_CN: Record<string, string> = {
  'workChannel.dingtalk': '钉钉工作通知',
  'workChannel.wecom': '企业微信应用消息',
  'workChannel.sms': '短信网关',
  'workRecipient.dingtalk': '钉钉账号',
  'workRecipient.wecom': '企业微信账号',
  'workRecipient.sms': '手机号',
};
