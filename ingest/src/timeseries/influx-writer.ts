import http from 'node:http';
import https from 'node:https';

/** An answer other than 204 to a write; `res.statusCode` as the `influx` client's RequestError has it. */
export class InfluxWriteError extends Error {
  readonly res: { statusCode: number };
  constructor(statusCode: number, statusMessage: string, body: string) {
    super(`A ${statusCode} ${statusMessage} error occurred: ${body}`);
    this.name = 'InfluxWriteError';
    this.res = { statusCode };
  }
}

export interface InfluxWriterOptions {
  url: URL;
  database: string;
  username?: string;
  password?: string;
  token?: string;
  agent: http.Agent;
  /** A hung server must not hold PUBACKs for long: the batch fails and goes to the spool. */
  timeoutMs: number;
}

const LINES_PER_REQUEST = 5_000;

/**
 * POSTs line protocol to `/write` (v1 API: 1.x, 2.x with a DBRP mapping, 3 Core) at ms precision,
 * at most LINES_PER_REQUEST lines per request, one request after another.
 */
export function createInfluxWriter(options: InfluxWriterOptions): (lines: string[]) => Promise<void> {
  const { url } = options;
  const transport = url.protocol === 'https:' ? https : http;
  const query = new URLSearchParams({ db: options.database, precision: 'ms' });
  const path = `${url.pathname.replace(/\/+$/, '')}/write?${query}`;
  const headers: Record<string, string> = { 'Content-Type': 'text/plain; charset=utf-8' };
  if (options.token) headers.Authorization = `Token ${options.token}`;
  else if (options.username !== undefined)
    headers.Authorization = `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`;

  const post = (body: string) =>
    new Promise<void>((resolve, reject) => {
      const request = transport.request(
        {
          host: url.hostname,
          port: url.port || (url.protocol === 'https:' ? 443 : 80),
          path,
          method: 'POST',
          agent: options.agent,
          headers: { ...headers, 'Content-Length': Buffer.byteLength(body) },
          timeout: options.timeoutMs,
        },
        (response) => {
          if (response.statusCode === 204) {
            response.resume();
            response.once('end', resolve);
            response.once('error', reject);
            return;
          }
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.once('end', () =>
            reject(new InfluxWriteError(response.statusCode ?? 0, response.statusMessage ?? '', text)),
          );
          response.once('error', reject);
        },
      );
      request.once('timeout', () =>
        request.destroy(new Error(`InfluxDB write timed out after ${options.timeoutMs} ms`)),
      );
      request.once('error', reject);
      request.end(body);
    });

  return async (lines) => {
    for (let i = 0; i < lines.length; i += LINES_PER_REQUEST) {
      const chunk =
        i === 0 && lines.length <= LINES_PER_REQUEST ? lines : lines.slice(i, i + LINES_PER_REQUEST);
      await post(chunk.join('\n'));
    }
  };
}
