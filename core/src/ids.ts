/** Ids in topics and the registry: `^[A-Za-z0-9_-]{1,64}$` (device contract). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function isValidId(id: string): boolean {
  return ID_PATTERN.test(id);
}
