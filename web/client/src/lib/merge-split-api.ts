import type { CaseView, MergeCandidateView, Severity } from '@gridsense/core';
import { request } from './api';

const segment = encodeURIComponent;

/** What the split form sends (`POST /api/cases/:id/split`). */
export interface SplitBody {
  title: string;
  description: string;
  category: string;
  severity: Severity;
  note: string | null;
}

/** Merge candidates and 拆分 over the API; merging itself is `POST /api/cases/:id/merge`. */
export const mergeSplitApi = {
  candidates: (caseId: string) =>
    request<MergeCandidateView[]>('GET', `/api/cases/${segment(caseId)}/merge-candidates`),
  /** `caseId` takes in `absorbedId`, which closes as its duplicate. */
  merge: (caseId: string, absorbedId: string) =>
    request<CaseView>('POST', `/api/cases/${segment(caseId)}/merge`, { caseId: absorbedId }),
  split: (caseId: string, body: SplitBody) =>
    request<{ original: CaseView; created: CaseView }>('POST', `/api/cases/${segment(caseId)}/split`, body),
};
