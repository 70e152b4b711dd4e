import fc from 'fast-check';
import { exchange, hasStatusLine, httpStatus } from './raw-socket';
import { TargetDown, type EntryPoint } from './runner';
import type { FuzzTarget } from './target';

interface RawRequest {
  bytes: Uint8Array;
  /** Framed as HTTP (no CR or LF inside the request line): the server must answer or close. */
  framed: boolean;
  shown: string;
}

const PATHS = [
  '/',
  '/healthz',
  '/mqtt',
  '/mqtt/',
  '/mqttx',
  '/socket.io/',
  '/socket.io/?EIO=4&transport=websocket',
  '/socket.io/?EIO=3&transport=polling',
  '/socket.io/?EIO=4&transport=polling',
  '/flows/comms',
  '/flows',
  '/api/me',
  '/api/cases',
  '/metrics',
  '/nope',
  '/%',
  '/%E0%A4%A',
  '/..%2f..%2f',
  '/\u00ff',
] as const;

/** Request targets in every form: origin, absolute (with impossible ports), authority, `*`, junk. */
const targets: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.constantFrom(...PATHS), fc.constantFrom('', '?', '?x=%', '#f', '?a=1&a=2', '/..', '//'))
      .map(([p, s]) => p + s),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom('http', 'https', 'ws', 'wss', 'ftp', 'HTTP', ''),
        fc.constantFrom('a', '127.0.0.1', '[::1]', 'xn--', '', 'a@b', '%'),
        fc.oneof(
          fc.constantFrom('', ':', ':80', ':99999999', ':-1', ':0x50', ':65536'),
          fc.integer().map((n) => `:${n}`),
        ),
        fc.constantFrom(...PATHS),
      )
      .map(([scheme, host, port, path]) => `${scheme}://${host}${port}${path}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('*', 'a:80', '127.0.0.1:1883', '', '//mqtt', 'mqtt', '?', '#') },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
);

const upgradeHeaders = fc.record({
  upgrade: fc.constantFrom('websocket', 'WebSocket', 'h2c', 'mqtt', '', 'websocket, h2c'),
  connection: fc.constantFrom('Upgrade', 'upgrade', 'keep-alive, Upgrade', 'close', ''),
  key: fc.option(fc.constantFrom('dGhlIHNhbXBsZSBub25jZQ==', 'x', '', 'dGhlIHNhbXBsZSBub25jZQ')),
  version: fc.option(fc.constantFrom('13', '8', '99', 'x', '')),
  protocol: fc.option(fc.constantFrom('mqtt', 'mqttv3.1', 'x, y', '')),
});

const extraHeaders = fc.array(
  fc.tuple(
    fc.oneof(
      fc.constantFrom(
        'Origin',
        'Sec-WebSocket-Extensions',
        'Expect',
        'Content-Type',
        'X-Forwarded-For',
        'Cookie',
        'Accept',
      ),
      fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 12 }),
    ),
    fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  ),
  { maxLength: 3 },
);

const oneLine = (text: string) => text.replace(/[\r\n]/g, '');

const requests: fc.Arbitrary<RawRequest> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .record({
        method: fc.oneof(
          {
            weight: 4,
            arbitrary: fc.constantFrom('GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'),
          },
          { weight: 1, arbitrary: fc.constantFrom('CONNECT', 'TRACE', 'PRI', 'get', 'M-SEARCH', '') },
          { weight: 1, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 8 }) },
        ),
        target: targets,
        version: fc.constantFrom(
          'HTTP/1.1',
          'HTTP/1.1',
          'HTTP/1.0',
          'HTTP/1.2',
          'HTTP/2.0',
          'HTTP/0.9',
          'http/1.1',
          '',
        ),
        upgrade: fc.option(upgradeHeaders, { freq: 2 }),
        headers: extraHeaders,
      })
      .map(({ method, target, version, upgrade, headers }) => {
        const line = `${method} ${target} ${version}`;
        const lines = [line, 'Host: fuzz'];
        if (upgrade) {
          lines.push(`Upgrade: ${upgrade.upgrade}`, `Connection: ${upgrade.connection}`);
          if (upgrade.key !== null) lines.push(`Sec-WebSocket-Key: ${upgrade.key}`);
          if (upgrade.version !== null) lines.push(`Sec-WebSocket-Version: ${upgrade.version}`);
          if (upgrade.protocol !== null) lines.push(`Sec-WebSocket-Protocol: ${upgrade.protocol}`);
        }
        for (const [name, value] of headers) lines.push(`${oneLine(name)}: ${oneLine(value)}`);
        const text = `${lines.join('\r\n')}\r\n\r\n`;
        return { bytes: Buffer.from(text, 'utf8'), framed: oneLine(line) === line, shown: text };
      }),
  },
  {
    weight: 1,
    arbitrary: fc.uint8Array({ minLength: 1, maxLength: 200 }).map((bytes) => ({
      bytes,
      framed: false,
      shown: Buffer.from(bytes).toString('hex'),
    })),
  },
);

/**
 * (d) HTTP request lines and upgrade targets as raw bytes, each on its own connection: methods,
 * targets in every form (absolute URLs with impossible ports, authority form, `*`, junk), versions,
 * upgrade headers and random bytes. Any answer must be < 500; a request framed as HTTP must be
 * answered or closed, never left hanging.
 */
export function httpRawEntryPoint(target: FuzzTarget): EntryPoint<RawRequest[]> {
  const counters = { upgraded: 0, closed_unanswered: 0, left_waiting: 0 };

  const sendOne = async (request: RawRequest): Promise<void> => {
    // Bytes that are not framed as HTTP may leave the server waiting for more: do not wait long.
    const result = await exchange(target.httpPort, request.bytes, {
      enough: hasStatusLine,
      timeoutMs: request.framed ? 3_000 : 300,
    });
    if (result.refused) throw new TargetDown('HTTP connection refused');
    const status = httpStatus(result.received);
    if (status !== undefined && status >= 500)
      throw new Error(`answered ${status} to ${JSON.stringify(request.shown)}`);
    if (status === 101) counters.upgraded += 1;
    if (status === undefined && result.closedByServer) counters.closed_unanswered += 1;
    if (status === undefined && !result.closedByServer) {
      if (request.framed) throw new Error(`left unanswered and open: ${JSON.stringify(request.shown)}`);
      counters.left_waiting += 1;
    }
  };

  return {
    lanes: 4,
    counters,
    cases: fc.array(requests, { minLength: 1, maxLength: 16, size: 'max' }),
    async send(batch) {
      await Promise.all(batch.map(sendOne));
      return batch.length;
    },
  };
}
