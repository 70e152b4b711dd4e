import { findAncestorOverruns, findGridOverlaps } from '@gridsense/core/grid-overlap';
import { parentPort } from 'node:worker_threads';
import type { OverlapRequest, OverlapAnswer } from './grid-overlap-check';

// Polygon clipping of a detailed boundary against every grid and its ancestors runs here, off
// the event loop.
parentPort!.on('message', ({ id, boundary, gridId, regions, ancestors }: OverlapRequest) => {
  let answer: OverlapAnswer;
  try {
    answer = {
      id,
      overlaps: findGridOverlaps(boundary, gridId, regions),
      overruns: findAncestorOverruns(boundary, ancestors),
    };
  } catch (error) {
    answer = { id, error: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(answer);
});
