import type { CaseView } from '@gridsense/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { startWithAdminClients } from './harness/admin-clients';
import type { ApiClient, TestPlatform } from './harness/test-platform';

type ClientSocket = Awaited<ReturnType<ApiClient['socket']>>;

/** Every `case:updated` a socket gets, kept from the moment it is recorded. */
function record(socket: ClientSocket): CaseView[] {
  const seen: CaseView[] = [];
  socket.on('case:updated', (view) => seen.push(view));
  return seen;
}

async function firstOf(seen: CaseView[], caseId: string): Promise<CaseView> {
  for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
    const view = seen.find((v) => v.id === caseId);
    if (view) return view;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no case:updated for ${caseId} within 20 s`);
}

/** A hotline caller reaches live sockets only as REST shows it: to those who may call back. */
describe.each(stateDialects())('case pushes and the caller (%s)', (dialect) => {
  let env: TestPlatform;
  let op: ApiClient;
  let worker: ApiClient;

  beforeAll(async () => {
    ({ env, op, worker } = await startWithAdminClients('worker01', {}, dialect));
  });
  afterAll(async () => env?.stop());

  it("sends the masked caller to the operator's socket and not to the grid worker's", async () => {
    const [opSocket, workerSocket] = await Promise.all([op.socket(), worker.socket()]);
    try {
      const toOperator = record(opSocket);
      const toWorker = record(workerSocket);
      const opened = await op.call<{ case: CaseView }>('POST', '/api/cases/hotline', {
        title: '楼道堆物',
        description: '楼道堆放杂物，堵塞消防通道（来电反映）',
        category: 'city_appearance',
        severity: 'warning',
        gridId: 'G01',
        callerName: '郑丽',
        callerPhone: '13800005555',
      });
      expect(opened.status).toBe(201);
      const caseId = opened.body.case.id;

      const [seenByOperator, seenByWorker] = await Promise.all([
        firstOf(toOperator, caseId),
        firstOf(toWorker, caseId),
      ]);
      expect(seenByOperator.requester).not.toBeNull();
      expect(JSON.stringify(seenByOperator.requester)).toContain('5555');
      expect(JSON.stringify(seenByOperator.requester)).not.toContain('13800005555');
      expect(seenByWorker.requester).toBeNull();
      // Nor did any later push of it carry the caller to the worker.
      await new Promise((resolve) => setTimeout(resolve, 500));
      const toWorkerOfCase = toWorker.filter((view) => view.id === caseId);
      expect(toWorkerOfCase.map((view) => view.requester)).toEqual(toWorkerOfCase.map(() => null));
      // Over REST the worker sees the same.
      const detail = await worker.call<{ case: CaseView }>('GET', `/api/cases/${caseId}`);
      expect(detail.body.case.requester).toBeNull();
    } finally {
      opSocket.disconnect();
      workerSocket.disconnect();
    }
  });
});
