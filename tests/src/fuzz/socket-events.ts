import fc from 'fast-check';
import { RawSocketIo } from './raw-socket-io';
import { TargetDown, type EntryPoint } from './runner';
import { sessionHeaders, type FuzzTarget } from './target';

type Identity = 'admin' | 'worker' | 'anonymous';

interface Case {
  as: Identity;
  /** Frames as written to the WebSocket (a binary event is a text frame and a binary one). */
  frames: (string | Buffer)[];
  /** A broken or control packet sent last, after the probe: the server may close on it. */
  tail: string | null;
}

const EVENT_NAMES = [
  'grid:watch',
  'grid:unwatch',
  'case:updated',
  'notification:new',
  'device:status',
  'device:readings',
  'error',
  'message',
  '__proto__',
  'constructor',
  'hasOwnProperty',
  'toString',
  '',
] as const;

/** socket.io's decoder refuses events by these names and closes the connection: tail only. */
const RESERVED_NAMES = [
  'connect',
  'connect_error',
  'disconnect',
  'disconnecting',
  'newListener',
  'removeListener',
];

const BROKEN_PACKETS = [
  '',
  '4',
  '42',
  '42[',
  '42{}',
  '42["a"',
  '42[]',
  '421',
  '42-1["grid:watch"]',
  '4299999999999999999999["x"]',
  '41',
  '43',
  '43[]',
  '431[]',
  '44',
  '45',
  '46',
  '47',
  '1',
  '5',
  '6',
  '9',
  '40/admin,',
  '42/nope,["x"]',
  '451-["x"]',
  '451-["x",{"_placeholder":true,"num":3}]',
  '4-1["x"]',
  '4/,["x"]',
  '42/,1["x"]',
] as const;

const grids = fc.constantFrom('G01', 'G02', 'G07', 'G99', '');

function eventFrames(): fc.Arbitrary<(string | Buffer)[]> {
  const name = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...EVENT_NAMES) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  );
  const arg = fc.oneof(
    { weight: 2, arbitrary: grids },
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
  const event = fc.record({
    name,
    args: fc.array(arg, { maxLength: 4 }),
    ack: fc.option(fc.nat({ max: 1_000_000 })),
    binary: fc.option(fc.uint8Array({ maxLength: 64 }), { freq: 8 }),
  });
  return event.map(({ name, args, ack, binary }) => {
    const id = ack === null ? '' : String(ack);
    if (binary === null) return [`42${id}${JSON.stringify([name, ...args])}`];
    // A binary event: the attachment replaces a placeholder in the arguments.
    const payload = JSON.stringify([name, ...args, { _placeholder: true, num: 0 }]);
    return [`451-${id}${payload}`, Buffer.from(binary)];
  });
}

/**
 * (b) socket.io: events of any name, arity and argument types (text and binary), then a broken
 * packet now and then, from signed-in people and from a client whose handshake was refused.
 * After each batch the gateway must still answer: an acknowledged `grid:watch` for someone
 * signed in, a refused namespace join for the anonymous client.
 */
export function socketEventsEntryPoint(target: FuzzTarget): EntryPoint<Case> {
  const open = new Map<string, RawSocketIo>();
  let probeId = 2_000_000_000;

  const connection = async (as: Identity, lane: number): Promise<RawSocketIo> => {
    const existing = open.get(`${lane} ${as}`);
    if (existing && !existing.closed) return existing;
    let socket: RawSocketIo;
    try {
      socket = await RawSocketIo.open(
        target.baseUrl,
        as === 'anonymous' ? {} : sessionHeaders(target.sessions[as]),
      );
    } catch (error) {
      throw new TargetDown(String(error));
    }
    const joined = await socket.join();
    const expected = as === 'anonymous' ? '44' : '40';
    if (!joined.startsWith(expected))
      throw new Error(`${as} could not join the namespace: ${joined || 'no answer'}`);
    open.set(`${lane} ${as}`, socket);
    return socket;
  };

  return {
    lanes: 4,
    cases: fc.record({
      as: fc.constantFrom<Identity>('admin', 'worker', 'anonymous'),
      frames: fc
        .array(eventFrames(), { minLength: 1, maxLength: 64, size: 'max' })
        .map((events) => events.flat()),
      tail: fc.option(
        fc.oneof(
          fc.constantFrom(...BROKEN_PACKETS),
          fc.string({ unit: 'binary', maxLength: 40 }),
          // An event whose name is reserved or not a string: socket.io refuses it and closes.
          fc
            .tuple(
              fc.oneof(fc.constantFrom(...RESERVED_NAMES), fc.jsonValue({ maxDepth: 1 })),
              fc.jsonValue(),
            )
            .map((event) => `42${JSON.stringify(event)}`),
        ),
        { freq: 6 },
      ),
    }),
    async send({ as, frames, tail }, lane) {
      const socket = await connection(as, lane);
      // Frames are handled in order: an answer to the probe means every frame before it was read.
      const probe = (timeoutMs: number): Promise<string> => {
        if (as === 'anonymous') return socket.join(undefined, timeoutMs);
        const id = (probeId += 1);
        const ack = socket.waitFor((frame) => frame.startsWith(`43${id}[`), timeoutMs);
        socket.send(`42${id}${JSON.stringify(['grid:watch', 'G01'])}`);
        return ack;
      };
      for (const frame of frames) socket.send(frame);
      if (!(await probe(15_000))) {
        if (!socket.closed)
          throw new Error(
            `the gateway stopped answering ${as}; it last sent ${JSON.stringify(socket.lastReceived)}`,
          );
        // Closed (a binary event socket.io could not assemble, say): joining again must work.
        await connection(as, lane);
        return 0;
      }
      if (tail !== null) {
        socket.send(tail);
        // The tail may close the connection or leave the namespace ('41'): then start afresh.
        if (!(await probe(1_000))) {
          socket.close();
          open.delete(`${lane} ${as}`);
        }
      }
      return frames.filter((f) => typeof f === 'string').length + (tail === null ? 0 : 1);
    },
    close() {
      for (const socket of open.values()) socket.close();
      return Promise.resolve();
    },
  };
}
