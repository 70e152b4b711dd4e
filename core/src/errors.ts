import { englishOf, type ApiText } from './api-texts';

export * from './api-texts';

/** The closed set of error codes every API response and socket ack uses. */
export const ERROR_STATUS = {
  validation_failed: 400,
  unauthenticated: 401,
  forbidden: 403,
  /** Signed in with a password that must be changed first: only changing it is allowed. */
  password_change_required: 403,
  /** The password was right; two-factor sign-in is on, so a code (or a recovery code) is needed too. */
  totp_required: 401,
  /** Two-factor sign-in is required for the role and not set up yet: only enrolling is allowed. */
  totp_enrolment_required: 403,
  not_found: 404,
  invalid_transition: 409,
  conflict: 409,
  payload_too_large: 413,
  too_many_requests: 429,
  unavailable: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** A message or validation detail: a key with parameters, or English prose not yet keyed. */
export type Problem = string | ApiText;

/** Problems as the API writes them in `details`: for logs, and for tests that read English. */
export function inEnglish(problems: readonly Problem[]): string[] {
  return problems.map((problem) => (typeof problem === 'string' ? problem : englishOf(problem)));
}

/**
 * An expected failure with a code; anything else thrown is an internal error. A keyed message or
 * detail keeps its key (`text`, `detailTexts`) next to its English, so the console can render it in
 * the reader's language.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: string[] | undefined;
  readonly text: ApiText | undefined;
  /** One per detail, in the same order; null for a detail that is English prose only. */
  readonly detailTexts: (ApiText | null)[] | undefined;

  constructor(code: ErrorCode, message: Problem, details?: readonly Problem[]) {
    super(typeof message === 'string' ? message : englishOf(message));
    this.name = 'AppError';
    this.code = code;
    this.text = typeof message === 'string' ? undefined : message;
    this.details = details && inEnglish(details);
    this.detailTexts = details?.some((detail) => typeof detail !== 'string')
      ? details.map((detail) => (typeof detail === 'string' ? null : detail))
      : undefined;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export interface ErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    /** The message's key, when it has one: the console renders it in the reader's language. */
    text?: ApiText;
    details?: string[];
    /** Beside `details`, one per detail: its key, or null for a detail without one. */
    detailTexts?: (ApiText | null)[];
    correlationId?: string;
  };
}
