import fc from 'fast-check';
import { createServer, type Server } from 'node:http';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { originFormPath, UpgradeRouter } from './upgrade-router';

describe('originFormPath', () => {
  it.each([
    ['/mqtt', '/mqtt'],
    ['/mqtt?x=1', '/mqtt'],
    ['/socket.io/?EIO=4&transport=websocket', '/socket.io/'],
    ['/flows/comms#frag', '/flows/comms'],
    ['/', '/'],
    ['/%E0%A4%A', '/%E0%A4%A'],
  ])('takes the path of origin form %j', (target, path) => {
    expect(originFormPath(target)).toBe(path);
  });

  it.each([
    'http://a:99999999/mqtt',
    'ws://127.0.0.1/mqtt',
    '//evil.example/mqtt',
    '*',
    'a:80',
    'mqtt',
    '',
    '/a b',
    '/mqtt\u0000',
    '/mqtt\r\n',
    '/\u007f',
    undefined,
  ])('refuses %j', (target) => {
    expect(originFormPath(target)).toBeUndefined();
  });

  it('never throws, and what it returns is a path without query, fragment or control characters', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary' }), fc.webUrl(), fc.webPath()), (target) => {
        const path = originFormPath(target);
        if (path === undefined) return true;
        // eslint-disable-next-line no-control-regex -- the characters that must not come through
        return path.startsWith('/') && !path.startsWith('//') && !/[?#\u0000-\u0020\u007f]/.test(path);
      }),
    );
  });
});

describe('UpgradeRouter', () => {
  let server: Server;
  let port: number;
  const seen: string[] = [];

  beforeAll(async () => {
    server = createServer();
    const router = new UpgradeRouter(server);
    router.route('/mqtt', (request, socket) => {
      seen.push(`mqtt ${request.url}`);
      socket.end('HTTP/1.1 101 Switching Protocols\r\n\r\n');
    });
    router.route('/broken', () => {
      throw new Error('a handler that throws');
    });
    // A library that puts its own listener on the server is moved behind the router.
    await router.adopt('/socket.io/', () => {
      server.on('upgrade', (request, socket) => {
        seen.push(`socket.io ${request.url}`);
        socket.end('HTTP/1.1 101 Switching Protocols\r\n\r\n');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address ? address.port : 0;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  /** The status line the server answers an upgrade to `target` with. */
  const upgrade = (target: string): Promise<string> =>
    new Promise((resolve) => {
      let received = '';
      const socket = net.connect(port, '127.0.0.1', () =>
        socket.write(
          `GET ${target} HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`,
        ),
      );
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      socket.on('error', () => socket.destroy());
      socket.on('close', () => resolve(received.split('\r\n')[0] ?? ''));
    });

  it('hands an upgrade to the route of its path, and only that route', async () => {
    seen.length = 0;
    expect(await upgrade('/mqtt?client=1')).toBe('HTTP/1.1 101 Switching Protocols');
    expect(await upgrade('/socket.io/?EIO=4&transport=websocket')).toBe('HTTP/1.1 101 Switching Protocols');
    expect(seen).toEqual(['mqtt /mqtt?client=1', 'socket.io /socket.io/?EIO=4&transport=websocket']);
  });

  it('answers 404 for a path no route takes (a prefix is not a match), 400 for a target that is no path', async () => {
    seen.length = 0;
    expect(await upgrade('/mqttx')).toBe('HTTP/1.1 404 Not Found');
    expect(await upgrade('/elsewhere')).toBe('HTTP/1.1 404 Not Found');
    expect(await upgrade('http://a:99999999/mqtt')).toBe('HTTP/1.1 400 Bad Request');
    expect(await upgrade('*')).toBe('HTTP/1.1 400 Bad Request');
    expect(seen).toEqual([]);
  });

  it('answers 400 when a route handler throws, and keeps routing', async () => {
    expect(await upgrade('/broken')).toBe('HTTP/1.1 400 Bad Request');
    expect(await upgrade('/mqtt')).toBe('HTTP/1.1 101 Switching Protocols');
  });
});
