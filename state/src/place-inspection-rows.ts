/**
 * An inspection's outcome columns while nobody has done it: the open inspection a place has,
 * whether the ticker schedules it or the demo history leaves it open.
 */
export const INSPECTION_NOT_DONE = {
  done_at: null,
  done_by_id: null,
  lng: null,
  lat: null,
  accuracy_m: null,
  photos: null,
  checklist: null,
  passed: null,
  note: null,
} as const;
