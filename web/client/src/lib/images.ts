/** What POST /api/photos accepts. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
/** Plenty to read a meter or a crack; a 12-megapixel phone photo shrinks from ~4 MB to ~300 KB. */
export const MAX_EDGE_PX = 1600;
/** A file this small, within the edge and of a type the server takes, goes as it is. */
export const SEND_AS_IS_BYTES = 400 * 1024;
export const JPEG_QUALITY = 0.8;

export class PhotoError extends Error {
  readonly reason: 'type' | 'size';
  constructor(reason: 'type' | 'size') {
    super(`photo rejected: ${reason}`);
    this.reason = reason;
  }
}

/** The size a photo is drawn at: its longer edge no more than `maxEdge`, the shape kept. */
export function fitWithin(
  width: number,
  height: number,
  maxEdge = MAX_EDGE_PX,
): { width: number; height: number } {
  const scale = Math.min(1, maxEdge / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
