import { apiText, englishOf, type ApiText } from '@gridsense/core';

/**
 * Why a delivery failed, as a key with parameters (`delivery.*` in core/src/api-texts.ts): the
 * delivery log stores the key beside its English, and the console renders it in the reader's
 * language. What the other side said in its own words (a robot's `errmsg`) is a parameter.
 */
export class DeliveryFailed extends Error {
  override name = 'DeliveryFailed';
  constructor(readonly failure: ApiText) {
    super(englishOf(failure));
  }
}

/** An HTTP answer outside 2xx. */
export const httpStatusFailure = (status: number): ApiText => apiText('delivery.httpStatus', { status });

/** A DingTalk or WeCom answer with an `errcode` other than 0 (or none at all). */
export function errcodeFailure(answer: { errcode?: unknown; errmsg?: unknown }): ApiText {
  if (typeof answer.errcode !== 'number') return apiText('delivery.noErrcode');
  return apiText('delivery.errcode', {
    code: answer.errcode,
    message: typeof answer.errmsg === 'string' ? answer.errmsg : '',
  });
}

/**
 * A thrown error as a failure: ours carry their key; anything else (a refused connection, a name
 * that does not resolve) is the system's message, kept as it said it.
 */
export function failureOf(error: unknown): ApiText {
  if (error instanceof DeliveryFailed) return error.failure;
  return apiText('delivery.error', { message: error instanceof Error ? error.message : String(error) });
}
