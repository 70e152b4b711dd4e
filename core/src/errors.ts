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

/** An expected failure with a code; anything else thrown is an internal error. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: string[] | undefined;

  constructor(code: ErrorCode, message: string, details?: string[]) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: string[]; correlationId?: string };
}
