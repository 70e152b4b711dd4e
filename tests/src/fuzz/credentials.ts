import fc from 'fast-check';
import { exchange, httpStatuses } from './raw-socket';
import { RawSocketIo } from './raw-socket-io';
import { TargetDown, type EntryPoint } from './runner';
import type { FuzzTarget } from './target';

interface Credentials {
  cookie: string | null;
  authorization: string | null;
}

interface Case {
  /** Where the credentials go: pipelined API requests, or one socket.io handshake. */
  via: 'rest' | 'socket.io';
  path: string;
  offers: Credentials[];
}

/** A real session value, cut, extended or with one character changed. */
function sessionValues(session: string): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constant(session),
    fc.nat({ max: session.length }).map((n) => session.slice(0, n)),
    fc
      .tuple(fc.nat({ max: session.length - 1 }), fc.string({ minLength: 1, maxLength: 1 }))
      .map(([at, c]) => session.slice(0, at) + c + session.slice(at + 1)),
    fc.string({ maxLength: 8 }).map((extra) => session + extra),
    fc.constantFrom('%E0%A4%A', '%', '%%', '%00', '%C0%80', '%ZZ', '""', '"%"', 'deleted', ''),
    fc.string({ unit: 'binary', maxLength: 60 }),
    fc.string({ unit: 'grapheme-ascii', maxLength: 200 }),
  );
}

function credentials(session: string): fc.Arbitrary<Credentials> {
  const value = sessionValues(session);
  const pair = fc
    .tuple(fc.constantFrom('gs_session', 'GS_SESSION', ' gs_session', 'gs_session ', 'other', ''), value)
    .map(([name, v]) => `${name}=${v}`);
  const cookie = fc
    .tuple(
      fc.array(fc.oneof(pair, fc.string({ maxLength: 20 })), { minLength: 1, maxLength: 4 }),
      fc.constantFrom('; ', ';', ', ', ''),
    )
    .map(([pairs, separator]) => pairs.join(separator));
  const authorization = fc.oneof(
    value.map((v) => `Bearer ${v}`),
    fc
      .tuple(fc.constantFrom('Bearer', 'bearer', 'Bearer  ', 'Basic ', 'Digest ', ''), value)
      .map(([s, v]) => s + v),
    fc.string({ unit: 'binary', maxLength: 80 }),
  );
  // No CR or LF: they would end the header and frame a different request, not test this one.
  const oneLine = (v: string) => v.replace(/[\r\n]/g, ' ');
  return fc.record({
    cookie: fc.option(cookie.map(oneLine)),
    authorization: fc.option(authorization.map(oneLine)),
  });
}

/** The bytes of one GET with the offered credentials; header values go out as their UTF-8 bytes. */
function request(path: string, offer: Credentials, last: boolean): Buffer {
  const lines = [`GET ${path} HTTP/1.1`, 'Host: fuzz'];
  if (offer.cookie !== null) lines.push(`Cookie: ${offer.cookie}`);
  if (offer.authorization !== null) lines.push(`Authorization: ${offer.authorization}`);
  lines.push(`Connection: ${last ? 'close' : 'keep-alive'}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8');
}

/**
 * (c) Cookies and Authorization headers: cut, extended and mangled session values, undecodable
 * escapes, odd names and separators, raw bytes, pipelined on one keep-alive connection to API
 * routes, and on the socket.io handshake. Every answer must be < 500 (a parser may refuse a
 * header with 400 and close); a handshake is either joined or refused, never left unanswered.
 */
export function credentialsEntryPoint(target: FuzzTarget): EntryPoint<Case> {
  const counters = { refused_by_parser: 0, signed_in: 0 };
  const offers = fc.oneof(credentials(target.sessions.admin), credentials(target.sessions.worker));

  const viaRest = async (path: string, list: Credentials[]): Promise<number> => {
    const bytes = Buffer.concat(list.map((offer, i) => request(path, offer, i === list.length - 1)));
    const result = await exchange(target.httpPort, bytes, { timeoutMs: 5_000 });
    if (result.refused) throw new TargetDown('HTTP connection refused');
    const statuses = httpStatuses(result.received);
    if (statuses.length === 0) throw new Error('no answer at all to pipelined requests');
    if (!result.closedByServer && statuses.length < list.length)
      throw new Error(`only ${statuses.length} of ${list.length} pipelined requests answered`);
    for (const status of statuses) {
      if (status >= 500) throw new Error(`${path} answered ${status}`);
      if (status === 400 || status === 431) counters.refused_by_parser += 1;
      if (status === 200) counters.signed_in += 1;
    }
    return statuses.length;
  };

  const viaSocketIo = async (offer: Credentials): Promise<number> => {
    const headers: Record<string, string> = {};
    if (offer.cookie !== null) headers.cookie = offer.cookie;
    if (offer.authorization !== null) headers.authorization = offer.authorization;
    let socket: RawSocketIo;
    try {
      socket = await RawSocketIo.open(target.baseUrl, headers);
    } catch (error) {
      // The ws client refuses to send some header bytes; the server refusing the upgrade is fine.
      if (error instanceof TypeError || /Unexpected server response: 4\d\d/.test(String(error))) return 0;
      const up = await fetch(`${target.baseUrl}/healthz`).then(
        (r) => r.ok,
        () => false,
      );
      if (!up) throw new TargetDown(String(error));
      throw new Error(`socket.io handshake failed: ${String(error)}`);
    }
    try {
      const answer = await socket.join();
      if (!answer) throw new Error('socket.io handshake left unanswered');
      if (answer.startsWith('40')) counters.signed_in += 1;
      return 1;
    } finally {
      socket.close();
    }
  };

  return {
    lanes: 4,
    counters,
    cases: fc.oneof(
      {
        weight: 9,
        arbitrary: fc.record({
          via: fc.constant('rest' as const),
          path: fc.constantFrom('/api/me', '/api/cases', '/api/overview', '/api/notifications', '/healthz'),
          offers: fc.array(offers, { minLength: 1, maxLength: 32, size: 'max' }),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          via: fc.constant('socket.io' as const),
          path: fc.constant('/socket.io/'),
          offers: fc.array(offers, { minLength: 1, maxLength: 1 }),
        }),
      },
    ),
    async send({ via, path, offers: list }) {
      return via === 'rest' ? viaRest(path, list) : viaSocketIo(list[0]!);
    },
  };
}
