/*
 * Stopgap: core/src/reading.ts and bus.ts name Node's `Buffer`, and svelte-check type-checks every
 * core file the console imports (this project has no Node types). The console never runs that
 * code. Delete this file once core uses `Uint8Array` / `TextDecoder` there.
 */
interface Buffer extends Uint8Array {
  toString(encoding?: string): string;
}
declare const Buffer: { from(data: ArrayBufferLike, byteOffset?: number, length?: number): Buffer };
