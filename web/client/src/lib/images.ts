/** What POST /api/photos accepts. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
/** Plenty to read a meter or a crack; a 12-megapixel phone photo shrinks from ~4 MB to ~300 KB. */
export const MAX_EDGE_PX = 1600;
/** A file this small, within the edge and of a type the server takes, goes as it is. */
const SEND_AS_IS_BYTES = 400 * 1024;
const JPEG_QUALITY = 0.8;

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

/**
 * A phone photo ready to upload over a weak network: re-encoded on the phone as a JPEG no larger
 * than 1600 px (EXIF orientation applied, the rest of the metadata, location included, dropped),
 * unless it is already small. Formats the browser cannot decode fail.
 */
export async function preparePhoto(file: File): Promise<Blob> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image' });
  } catch {
    throw new PhotoError('type');
  }
  const accepted = (PHOTO_TYPES as readonly string[]).includes(file.type);
  const size = fitWithin(bitmap.width, bitmap.height);
  if (accepted && file.size <= SEND_AS_IS_BYTES && size.width === bitmap.width) {
    bitmap.close();
    return file;
  }
  const canvas = document.createElement('canvas');
  canvas.width = size.width;
  canvas.height = size.height;
  const context = canvas.getContext('2d');
  if (context) {
    // A transparent PNG turns white, not black, as a JPEG.
    context.fillStyle = '#fff';
    context.fillRect(0, 0, size.width, size.height);
    context.imageSmoothingQuality = 'high';
    context.drawImage(bitmap, 0, 0, size.width, size.height);
  }
  bitmap.close();
  const blob = await new Promise<Blob | null>((resolve) =>
    canvas.toBlob(resolve, 'image/jpeg', JPEG_QUALITY),
  );
  if (!blob) throw new PhotoError('type');
  if (blob.size > MAX_PHOTO_BYTES) throw new PhotoError('size');
  return blob;
}
