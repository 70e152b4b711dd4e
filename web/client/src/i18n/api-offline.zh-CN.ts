import type { ApiMessagePattern } from './api-messages.zh-CN';

/** The server's answers about a replayed request's `Idempotency-Key` (the phone's offline queue). */
export const OFFLINE_REPLAY_ZH_CN: readonly ApiMessagePattern[] = [
  [
    /^Idempotency-Key must be 8 to 100 letters, digits or -_\.:$/,
    () => '幂等键须为 8 至 100 个字母、数字或 -_.:',
  ],
  [/^a request with this Idempotency-Key is still running$/, () => '同一幂等键的请求仍在处理中'],
  [/^this Idempotency-Key was used for a different request$/, () => '该幂等键已用于另一请求'],
];
