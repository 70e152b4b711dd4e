import type { ApiMessagePattern } from './api-messages.zh-CN';

/** 简体中文 for the API's texts about the field: arrival positions and people's contacts. */
export const FIELD_MESSAGES_ZH_CN: readonly ApiMessagePattern[] = [
  [/^position\.lat must be a number from -90 to 90$/, () => '到达位置的纬度必须在 -90 到 90 之间'],
  [/^position\.lng must be a number from -180 to 180$/, () => '到达位置的经度必须在 -180 到 180 之间'],
  [
    /^position\.accuracyM must be a number of metres from 0 to 100000, or null$/,
    () => '到达位置的精度必须是 0 到 100000 米，或为空',
  ],
  [/^position takes only lat, lng and accuracyM$/, () => '到达位置只能包含纬度、经度和精度'],
];
