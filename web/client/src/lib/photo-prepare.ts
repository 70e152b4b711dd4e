import {
  fitWithin,
  JPEG_QUALITY,
  MAX_PHOTO_BYTES,
  PHOTO_TYPES,
  PhotoError,
  SEND_AS_IS_BYTES,
} from './images';

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
