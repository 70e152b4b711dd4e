import { apiText, AppError, englishOf, type ErrorBody } from '@gridsense/core';
import type { ErrorRequestHandler } from 'express';
import { randomUUID } from 'node:crypto';
import type { Logger } from '@gridsense/state';

/** Turns what routes throw into `{ error: { code, message } }`; the one place errors become responses. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (thrown: unknown, _request, response, _next) => {
    // The router throws a URIError for a path parameter with a stray `%`: the client's mistake.
    const error =
      thrown instanceof URIError
        ? new AppError('validation_failed', apiText('request.pathDoesNotDecode'))
        : thrown;
    let body: ErrorBody;
    let status: number;
    if (error instanceof AppError) {
      status = error.status;
      body = {
        error: {
          code: error.code,
          message: error.message,
          ...(error.text ? { text: error.text } : {}),
          ...(error.details ? { details: error.details } : {}),
          ...(error.detailTexts ? { detailTexts: error.detailTexts } : {}),
        },
      };
    } else if (isBodyParserError(error)) {
      status = error.status;
      const code = error.status === 413 ? 'payload_too_large' : 'validation_failed';
      const text = bodyParserText(error.type);
      body = { error: { code, message: error.message, ...(text ? { text } : {}) } };
    } else {
      const correlationId = randomUUID();
      logger.error({ err: error, correlationId }, 'unhandled error in request');
      status = 500;
      const text = apiText('request.internalError');
      body = { error: { code: 'internal_error', message: englishOf(text), text, correlationId } };
    }
    response.status(status).json(body);
  };
}

function isBodyParserError(error: unknown): error is { status: number; message: string; type: string } {
  return typeof error === 'object' && error !== null && 'type' in error && 'status' in error;
}

/** body-parser's own English for the two failures a person can cause, as keys. */
function bodyParserText(type: string) {
  if (type === 'entity.too.large') return apiText('request.tooLarge');
  if (type === 'entity.parse.failed') return apiText('request.badJson');
  return undefined;
}
