import { apiText, AppError, regionLineage, type PolygonGeometry, type Region } from '@gridsense/core';
import type { AncestorOverrun, GridOverlap } from '@gridsense/core/grid-overlap';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';

export interface OverlapRequest {
  id: number;
  boundary: PolygonGeometry;
  gridId: string | undefined;
  regions: Region[];
  /** The grid's community, street and district, nearest first. */
  ancestors: Region[];
}

/** What keeps a boundary from being saved: grids it overlaps, ancestors it reaches out of. */
export interface BoundaryConflicts {
  overlaps: GridOverlap[];
  overruns: AncestorOverrun[];
}

export type OverlapAnswer = ({ id: number } & BoundaryConflicts) | { id: number; error: string };

// The worker is TypeScript: it registers tsx's loader itself (a worker inherits no loader hooks,
// and refuses an explicit `--import tsx` under some runners). require() finds the CommonJS build
// of tsx's API; its ES module build sits beside it.
const TSX_API = pathToFileURL(
  createRequire(import.meta.url)
    .resolve('tsx/esm/api')
    .replace(/\.cjs$/, '.mjs'),
).href;
const WORKER_ENTRY = new URL('./grid-overlap.worker.ts', import.meta.url).href;

/** Longer than any boundary within BOUNDARY_LIMITS takes against a district's grids. */
const CHECK_TIMEOUT_MS = 10_000;

type Box = [minLng: number, minLat: number, maxLng: number, maxLat: number];

function boxOf(polygon: PolygonGeometry): Box {
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [lng, lat] of polygon.coordinates[0] ?? []) {
    box[0] = Math.min(box[0], lng);
    box[1] = Math.min(box[1], lat);
    box[2] = Math.max(box[2], lng);
    box[3] = Math.max(box[3], lat);
  }
  return box;
}

const boxesMeet = (a: Box, b: Box) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

/**
 * The grid-overlap check in a worker thread: a boundary of thousands of vertices against every
 * grid of a district takes long enough to stall the event loop that carries every device's
 * PUBACK. Only grids whose bounding box meets the boundary's are sent, and the grid's ancestors
 * always (a boundary wholly outside its community does not meet that community's box). One
 * worker, one check at a time; a check that runs past the timeout ends the worker (a fresh one
 * takes the next).
 */
export class GridOverlapCheck {
  private worker: Worker | undefined;
  private nextId = 1;
  private queue: Promise<unknown> = Promise.resolve();

  /** `parentId` is the grid's community; undefined when unknown (then no ancestor is checked). */
  find(
    boundary: PolygonGeometry,
    gridId: string | undefined,
    parentId: string | undefined,
    regions: readonly Region[],
  ): Promise<BoundaryConflicts> {
    const box = boxOf(boundary);
    const candidates = regions.filter(
      (r) => r.level === 'grid' && r.id !== gridId && r.boundary && boxesMeet(box, boxOf(r.boundary)),
    );
    const ancestors = parentId ? regionLineage(regions, parentId).filter((r) => r.boundary) : [];
    if (candidates.length === 0 && ancestors.length === 0)
      return Promise.resolve({ overlaps: [], overruns: [] });
    const run = this.queue.then(() =>
      this.ask({ id: this.nextId++, boundary, gridId, regions: candidates, ancestors }),
    );
    this.queue = run.catch(() => undefined);
    return run;
  }

  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }

  private ask(request: OverlapRequest): Promise<BoundaryConflicts> {
    const worker = (this.worker ??= this.spawn());
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        cleanup();
        void this.close();
        reject(new AppError('validation_failed', apiText('boundary.tooComplex')));
      }, CHECK_TIMEOUT_MS);
      const onMessage = (answer: OverlapAnswer) => {
        if (answer.id !== request.id) return;
        cleanup();
        if ('error' in answer) reject(new Error(`grid overlap check failed: ${answer.error}`));
        else resolve({ overlaps: answer.overlaps, overruns: answer.overruns });
      };
      const onExit = () => {
        cleanup();
        this.worker = undefined;
        reject(new Error('grid overlap worker stopped'));
      };
      const cleanup = () => {
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.once('exit', onExit);
      worker.postMessage(request);
    });
  }

  private spawn(): Worker {
    const worker = new Worker(
      `import(${JSON.stringify(TSX_API)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_ENTRY)}); })`,
      { eval: true },
    );
    worker.unref();
    return worker;
  }
}
