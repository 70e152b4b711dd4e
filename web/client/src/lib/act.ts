import type { CaseCommand, CaseView } from '@gridsense/core';
import { api } from './api';
import { caseStore } from './case-store.svelte';

/** Sends a case command and stores the answer at once (the socket echo may come later). */
export async function act(caseId: string, command: CaseCommand): Promise<CaseView> {
  const view = await api.act(caseId, command);
  caseStore.upsert(view);
  return view;
}
