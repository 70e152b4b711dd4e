import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';
import { apiText } from '@gridsense/core';
import { DeliveryFailed } from './delivery-failure';

const MAX_ANSWER_BYTES = 64 * 1024;

export interface PostOptions {
  /** The whole exchange (connect, send, answer) gives up after this. */
  timeoutMs: number;
  /** Where the host name is resolved, e.g. one that refuses private addresses. */
  lookup?: LookupFunction;
  /** Aborts the request (the delivery worker stopping). */
  signal?: AbortSignal;
}

/**
 * One POST, no redirects followed (a push service or webhook that redirects is answered by its
 * status). The answer's first 64 KiB are read; a robot's JSON verdict fits in far less.
 */
export function postOnce(
  url: string,
  headers: Record<string, string>,
  body: string | Buffer,
  options: PostOptions,
): Promise<{ status: number; text: string }> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(target, {
      method: 'POST',
      headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      ...(options.lookup ? { lookup: options.lookup } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const timer = setTimeout(
      () => request.destroy(new DeliveryFailed(apiText('delivery.timeout', { ms: options.timeoutMs }))),
      options.timeoutMs,
    );
    let settled = false;
    const finish = (outcome: () => void) => {
      clearTimeout(timer);
      if (!settled) outcome();
      settled = true;
    };
    request.once('error', (error) => finish(() => reject(error)));
    request.once('response', (response: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        if (size < MAX_ANSWER_BYTES) chunks.push(chunk);
        size += chunk.length;
      });
      response.once('error', (error) => finish(() => reject(error)));
      response.once('close', () => finish(() => reject(new DeliveryFailed(apiText('delivery.cutOff')))));
      response.once('end', () =>
        finish(() =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).subarray(0, MAX_ANSWER_BYTES).toString('utf8'),
          }),
        ),
      );
    });
    request.end(body);
  });
}
