import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Request, RequestHandler, Response } from 'express';

/**
 * The built console, served from memory: compressed once per file (Brotli or gzip, by the
 * browser's Accept-Encoding) and cached for a year where the name carries a content hash
 * (`/assets/*`). Everything else (index.html, sw.js, the SPA's deep links) is `no-cache`: the
 * browser revalidates with the ETag and picks up a new build at once. On a weak phone network the
 * 410 KB script arrives as ~120 KB, and once only.
 */

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';
/** Text formats worth compressing; images and fonts are compressed already. */
const COMPRESSIBLE = new Set([
  '.js',
  '.mjs',
  '.css',
  '.html',
  '.svg',
  '.json',
  '.webmanifest',
  '.txt',
  '.map',
]);
const MIN_COMPRESS_BYTES = 1024;

type Encoding = 'br' | 'gzip';

interface Asset {
  file: string;
  body: Buffer;
  etag: string;
  cacheControl: string;
  compressible: boolean;
  encoded: Partial<Record<Encoding, Promise<Buffer>>>;
}

const compressors: Record<Encoding, (body: Buffer) => Promise<Buffer>> = {
  br: (body) =>
    promisify(brotliCompress)(body, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    }),
  gzip: (body) => promisify(gzip)(body, { level: constants.Z_BEST_COMPRESSION }),
};

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The encodings a request accepts, best first (`q=0` refuses one). */
export function acceptedEncodings(header: string | undefined): Encoding[] {
  const accepted = new Set<string>();
  for (const part of (header ?? '').split(',')) {
    const [token, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    if (q && Number(q.slice(2)) === 0) continue;
    if (token) accepted.add(token);
  }
  return (['br', 'gzip'] as const).filter((encoding) => accepted.has(encoding) || accepted.has('*'));
}

/** The files under `dir` by URL path (`/assets/index-3f9a.js`), read once at startup. */
function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const file of listFiles(dir)) {
    const urlPath = '/' + relative(dir, file).split(sep).join('/');
    const body = readFileSync(file);
    assets.set(urlPath, {
      file,
      body,
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`,
      cacheControl: urlPath.startsWith('/assets/') ? IMMUTABLE : REVALIDATE,
      compressible: COMPRESSIBLE.has(extname(file).toLowerCase()) && body.length >= MIN_COMPRESS_BYTES,
      encoded: {},
    });
  }
  return assets;
}

async function send(request: Request, response: Response, asset: Asset): Promise<void> {
  response.type(extname(asset.file));
  response.set({ 'Cache-Control': asset.cacheControl, ETag: asset.etag });
  if (asset.compressible) response.vary('Accept-Encoding');
  if (request.fresh) {
    response.status(304).end();
    return;
  }
  const encoding = asset.compressible ? acceptedEncodings(request.get('accept-encoding'))[0] : undefined;
  let body = asset.body;
  if (encoding) {
    body = await (asset.encoded[encoding] ??= compressors[encoding](asset.body));
    response.set('Content-Encoding', encoding);
  }
  response.set('Content-Length', String(body.length));
  if (request.method === 'HEAD') response.end();
  else response.end(body);
}

/**
 * Serves the console's files and answers every other GET that is no API path with index.html
 * (the console's own router reads the path).
 */
export function serveConsole(dir: string): RequestHandler {
  const assets = loadAssets(dir);
  const index = assets.get('/index.html');
  const spaPath = /^\/(?!api\/|flows|socket\.io|mqtt)/;
  return (request, response, next) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    let path: string;
    try {
      path = decodeURIComponent(request.path);
    } catch {
      return next();
    }
    const asset =
      assets.get(path === '/' ? '/index.html' : path) ??
      // A missing hashed file is a 404, not the page: a stale script must not parse HTML.
      (path.startsWith('/assets/') || !spaPath.test(path) ? undefined : index);
    if (!asset) return next();
    send(request, response, asset).catch(next);
  };
}
