import type { EarlyWarningView, WarningState } from '@gridsense/core/early-warning';
import { request } from './api';

/** 预警 over the API: the list in the person's region, acknowledging, turning into a case. */
export const warningApi = {
  list: (state?: WarningState) =>
    request<EarlyWarningView[]>('GET', state ? `/api/warnings?state=${state}` : '/api/warnings'),
  acknowledge: (id: number, note: string) =>
    request<EarlyWarningView>('POST', `/api/warnings/${id}/acknowledge`, { note }),
  openCase: (id: number, title: string) =>
    request<EarlyWarningView>('POST', `/api/warnings/${id}/case`, { title }),
};

/** A p-value as the evidence line shows it: `<0.001` below a thousandth, else `=0.004`. */
export function pValueText(p: number): string {
  return p < 0.001 ? '<0.001' : `=${p.toFixed(3)}`;
}

/** A per-window baseline with one decimal (3.1), whole numbers without one (3). */
export function baselineText(baseline: number): string {
  return Number.isInteger(baseline) ? String(baseline) : baseline.toFixed(1);
}
