import type { ApiMessagePattern } from './api-messages.zh-CN';

/** 简体中文 for the API's texts about the field: arrival positions and people's contacts. */
export const FIELD_MESSAGES_ZH_CN: readonly ApiMessagePattern[] = [
  [/^position must be an object with lat, lng and accuracyM$/, () => '到达位置必须包含纬度、经度和精度'],
  [/^position\.lat must be a number from -90 to 90$/, () => '到达位置的纬度必须在 -90 到 90 之间'],
  [/^position\.lng must be a number from -180 to 180$/, () => '到达位置的经度必须在 -180 到 180 之间'],
  [
    /^position\.accuracyM must be a number of metres from 0 to 100000, or null$/,
    () => '到达位置的精度必须是 0 到 100000 米，或为空',
  ],
  [/^position takes only lat, lng and accuracyM$/, () => '到达位置只能包含纬度、经度和精度'],
  [/^invalid contacts$/, () => '联系方式有误'],
  [/^invalid locale$/, () => '语言设置有误'],
  [
    /^body must be an object with phone, dingtalkUserId and wecomUserId$/,
    () => '请提交包含电话、钉钉 userid 和企业微信 userid 的对象',
  ],
  [/^phone must be 5–20 digits, optionally after a \+$/, () => '电话必须是 5–20 位数字，可以 + 开头'],
  [
    /^dingtalkUserId must be 1–64 letters, digits or _ \. @ -$/,
    () => '钉钉 userid 必须是 1–64 个字母、数字或 _ . @ -',
  ],
  [
    /^wecomUserId must be 1–64 letters, digits or _ \. @ -$/,
    () => '企业微信 userid 必须是 1–64 个字母、数字或 _ . @ -',
  ],
  [
    /^contacts take only phone, dingtalkUserId and wecomUserId$/,
    () => '联系方式只能包含电话、钉钉和企业微信 userid',
  ],
];
