import type {
  ChecklistAnswer,
  PlaceRiskAssessment,
  PlaceInspectionView,
  PlaceLevel,
  PlaceReason,
  PlaceRiskRules,
  PlaceView,
} from '@gridsense/core';
import { request } from './api';
import { categoryLabel, t, type MessageKey } from '../i18n/index.svelte';

const segment = encodeURIComponent;

/** 重点场所 over the API: the places in scope, one with its inspections, and the check-in. */
export const placeApi = {
  list: () => request<PlaceView[]>('GET', '/api/places'),
  create: (body: Record<string, unknown>) => request<PlaceView>('POST', '/api/admin/places', body),
  setDevices: (id: string, deviceIds: string[]) =>
    request<PlaceView>('PUT', `/api/admin/places/${segment(id)}/devices`, { deviceIds }),
  remove: (id: string) => request<void>('DELETE', `/api/admin/places/${segment(id)}`),
  rules: () => request<PlaceRiskRules>('GET', '/api/place-rules'),
  setRules: (rules: PlaceRiskRules) => request<PlaceRiskRules>('PUT', '/api/admin/place-rules', rules),
  checkIn: (
    id: string,
    body: {
      position: { lat: number; lng: number; accuracyM: number | null };
      photos: string[];
      checklist: ChecklistAnswer[];
      note?: string;
    },
  ) => request<PlaceInspectionView>('POST', `/api/places/${segment(id)}/inspections`, body),
};

export const levelLabel = (level: PlaceLevel): string => t(`place.level.${level}` as MessageKey);

function reasonText(reason: PlaceReason): string {
  if (reason.kind === 'base_level') return t('place.reason.base_level', { level: levelLabel(reason.level) });
  if (reason.kind === 'alerts')
    return t('place.reason.alerts', { count: reason.count, category: categoryLabel(reason.category) });
  return t(`place.reason.${reason.kind}`, { count: reason.count });
}

/** "黄：30 天内2 次消防安全告警、1 次巡检超期" / "Yellow: 2 fire safety alerts and 1 overdue inspection in 30 days". */
export function explainLevel(assessment: PlaceRiskAssessment): string {
  const level = levelLabel(assessment.level);
  if (assessment.reasons.length === 0) return t('place.explainQuiet', { level, days: assessment.windowDays });
  return t('place.explain', {
    level,
    days: assessment.windowDays,
    reasons: assessment.reasons.map(reasonText).join(t('place.and')),
  });
}

/** The inspection's state in words: overdue and how far it went, or nothing while on time. */
export function inspectionState(inspection: PlaceInspectionView, now: number): string {
  if (inspection.dueAt > now) return '';
  const escalated = inspection.escalationLevel
    ? ` · ${t(`place.escalated.${inspection.escalationLevel}`)}`
    : '';
  return `${t('place.overdue')}${escalated}`;
}

/**
 * The phone's position now, or null when refused, unavailable or too slow. Unlike an arrival, a
 * check-in takes no cached fix: one from a minute ago could be from the last place visited.
 */
export function freshPosition(
  timeoutMs = 20_000,
): Promise<{ lat: number; lng: number; accuracyM: number | null } | null> {
  if (!('geolocation' in navigator)) return Promise.resolve(null);
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      ({ coords }) =>
        resolve({
          lat: coords.latitude,
          lng: coords.longitude,
          accuracyM: Number.isFinite(coords.accuracy) ? Math.round(coords.accuracy) : null,
        }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 0 },
    );
  });
}
