import type { Rate } from '@gridsense/core';
import type { SituationView } from '@gridsense/core/situation';
import { request } from './api';

/** 态势 over the API, for the reader's region or one under it. */
export const situationApi = {
  get: (regionId?: string) =>
    request<SituationView>(
      'GET',
      regionId ? `/api/situation?regionId=${encodeURIComponent(regionId)}` : '/api/situation',
    ),
};

/** This month against last in percentage points ("+3.2", "−1.0"), or null when either has no value. */
export function rateChange(now: Rate, before: Rate): number | null {
  if (now.value === null || before.value === null) return null;
  return Math.round((now.value - before.value) * 1000) / 10;
}

/** A change as the table shows it: ▲ +3.2 / ▼ −1.0 / = 0.0 (points), — when there is none. */
export function changeText(change: number | null): string {
  if (change === null) return '—';
  if (change > 0) return `▲ +${change.toFixed(1)}`;
  if (change < 0) return `▼ −${Math.abs(change).toFixed(1)}`;
  return '= 0.0';
}
