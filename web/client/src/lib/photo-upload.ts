import type { ErrorBody } from '@gridsense/core';
import { ApiError } from './api';

/** An upload under way: how far it got (0–1) as it goes, and a way to stop it. */
export interface PhotoUpload {
  done: Promise<{ url: string }>;
  abort(): void;
}

/** An upload stopped by the person: not an error to show. */
export class UploadCancelled extends Error {
  constructor() {
    super('upload cancelled');
    this.name = 'UploadCancelled';
  }
}

function failureOf(xhr: XMLHttpRequest): ApiError {
  try {
    const { error } = JSON.parse(xhr.responseText) as ErrorBody;
    return ApiError.fromBody(xhr.status, error);
  } catch {
    return new ApiError(xhr.status, 'internal_error', xhr.statusText || `HTTP ${xhr.status}`);
  }
}

/**
 * POST /api/photos through XMLHttpRequest, which (unlike fetch) reports upload progress: on a
 * weak network the person sees the photo go and may cancel it.
 */
export function uploadPhoto(image: Blob, onProgress: (fraction: number) => void): PhotoUpload {
  const xhr = new XMLHttpRequest();
  const done = new Promise<{ url: string }>((resolve, reject) => {
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => {
      if (xhr.status >= 200 && xhr.status < 300) {
        onProgress(1);
        resolve(JSON.parse(xhr.responseText) as { url: string });
      } else reject(failureOf(xhr));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the upload failed'));
    xhr.ontimeout = () => reject(new ApiError(0, 'network', 'the upload timed out'));
    xhr.onabort = () => reject(new UploadCancelled());
  });
  xhr.open('POST', '/api/photos');
  xhr.setRequestHeader('Accept', 'application/json');
  xhr.setRequestHeader('Content-Type', image.type);
  xhr.send(image);
  return { done, abort: () => xhr.abort() };
}
