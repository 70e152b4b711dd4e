import { apiText } from './api-texts';
import type { Problem } from './errors';

/**
 * Evidence photos are uploaded to GridSense first (POST /api/photos) and cases refer to them by
 * their path, `/api/photos/<uuid>.<jpg|png|webp>`, and by nothing else: no outside address
 * lands in a case's timeline for the console to load.
 */

const PHOTO_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.(?:jpg|png|webp)$/;
const PHOTO_PREFIX = '/api/photos/';

export const MAX_PHOTOS_PER_ENTRY = 20;

export const isPhotoId = (value: string): boolean => PHOTO_ID.test(value);

export const photoPath = (id: string): string => `${PHOTO_PREFIX}${id}`;

/** The photo id a GridSense photo path names, or undefined for anything else. */
export function photoIdOf(value: unknown): string | undefined {
  if (typeof value !== 'string' || !value.startsWith(PHOTO_PREFIX)) return undefined;
  const id = value.slice(PHOTO_PREFIX.length);
  return isPhotoId(id) ? id : undefined;
}

/** Problems with the `photos` of an API body, none when it is fine. */
export function photoListProblems(value: unknown, required: boolean): Problem[] {
  const errors: Problem[] = [];
  if (value === undefined && !required) return errors;
  const strings = Array.isArray(value) && value.every((photo) => typeof photo === 'string' && photo);
  if (!strings || (required && value.length === 0))
    errors.push(apiText(required ? 'photo.urlsRequired' : 'photo.urls', { field: 'photos' }));
  else if (value.some((photo) => photoIdOf(photo) === undefined))
    errors.push(apiText('photo.notUploaded', { field: 'photos' }));
  else if (value.length > MAX_PHOTOS_PER_ENTRY)
    errors.push(apiText('photo.atMost', { field: 'photos', max: MAX_PHOTOS_PER_ENTRY }));
  return errors;
}

/** The photos a timeline entry refers to: a move's or a report's photos, a joined report's snapshot. */
export function photoIdsIn(data: Record<string, unknown> | null | undefined): string[] {
  if (!data) return [];
  const listed = Array.isArray(data.photos) ? data.photos : [];
  const ids = [...listed, data.snapshot].map(photoIdOf).filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
}
