import type { ChecklistAnswer, InspectionEscalation } from './place-inspection';
import type { PlaceRiskAssessment, PlaceKind, PlaceLevel } from './place-risk';

/** One inspection (巡检) of a place, as the API shows it. */
export interface PlaceInspectionView {
  id: number;
  placeId: string;
  gridId: string;
  /** The place's level when the inspection was scheduled (it set the frequency). */
  level: PlaceLevel;
  dueAt: number;
  /** Set once overdue: how far it has gone (the grid's workers told, then community, then street). */
  escalationLevel: InspectionEscalation | null;
  escalatedAt: number | null;
  doneAt: number | null;
  doneById: string | null;
  position: { lng: number; lat: number; accuracyM: number | null } | null;
  photos: string[];
  checklist: ChecklistAnswer[];
  passed: boolean | null;
  note: string | null;
}

/** A 重点场所 with its level, the reasons for it, its devices and its open inspection. */
export interface PlaceView {
  id: string;
  name: string;
  kind: PlaceKind;
  gridId: string;
  address: string;
  lat: number;
  lng: number;
  baseLevel: PlaceLevel;
  deviceIds: string[];
  assessment: PlaceRiskAssessment;
  /** The checklist a check-in answers (keys). */
  checklist: readonly string[];
  openInspection: PlaceInspectionView | null;
  lastInspectedAt: number | null;
}
