/**
 * Photos taken while the phone is offline: kept as Blobs (the outbox stores them in IndexedDB
 * and uploads them once the network is back) and shown meanwhile as data: URLs, which the
 * console's Content-Security-Policy allows for images. A form's photo list holds uploaded
 * `/api/photos/<id>` URLs and these data: URLs side by side.
 */
const held = new Map<string, Blob>();

function dataUrlOf(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('the photo could not be read'));
    reader.readAsDataURL(blob);
  });
}

/** Keeps a photo on the phone; answers the URL its thumbnail shows. */
export async function holdPhoto(blob: Blob): Promise<string> {
  const src = await dataUrlOf(blob);
  held.set(src, blob);
  return src;
}

/** A form's photos apart: those uploaded already, and the Blobs still held on the phone. */
export function splitPhotos(photos: readonly string[]): { urls: string[]; blobs: Blob[] } {
  const urls: string[] = [];
  const blobs: Blob[] = [];
  for (const photo of photos) {
    const blob = held.get(photo);
    if (blob) blobs.push(blob);
    else urls.push(photo);
  }
  return { urls, blobs };
}

/** The form is done with them (sent or queued, where the outbox keeps its own copies). */
export function releasePhotos(photos: readonly string[]): void {
  for (const photo of photos) held.delete(photo);
}
