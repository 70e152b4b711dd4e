/** What POST /api/photos accepts. */
export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const;
export const MAX_PHOTO_BYTES = 8 * 1024 * 1024;
const MAX_EDGE_PX = 2560;

export class PhotoError extends Error {
  readonly reason: 'type' | 'size';
  constructor(reason: 'type' | 'size') {
    super(`photo rejected: ${reason}`);
    this.reason = reason;
  }
}

/**
 * A phone photo ready to upload: sent as is when the server takes it, otherwise re-encoded as a
 * JPEG no larger than 2560 px (big camera files, GIF/BMP). Formats the browser cannot decode fail.
 */
export async function preparePhoto(file: File): Promise<Blob> {
  const accepted = (PHOTO_TYPES as readonly string[]).includes(file.type);
  if (accepted && file.size <= MAX_PHOTO_BYTES) return file;
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new PhotoError('type');
  }
  const scale = Math.min(1, MAX_EDGE_PX / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/jpeg', 0.85));
  if (!blob) throw new PhotoError('type');
  if (blob.size > MAX_PHOTO_BYTES) throw new PhotoError('size');
  return blob;
}
