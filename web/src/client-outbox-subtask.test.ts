import type { CaseSubtask, SubtaskCommand } from '@gridsense/core';
import { describe, expect, it } from 'vitest';
import {
  bodyOf,
  nextToSend,
  projectSubtask,
  queueItem,
  recordUpload,
  waitingMoves,
  waitingSubtaskMoves,
  type OutboxItem,
  type OutboxWork,
} from '../client/src/lib/outbox';

/** A co-handler's 协办 moves in the phone's outbox: in order with the case moves, photos added, projected. */

const NOW = Date.UTC(2026, 2, 10, 2);
const coHandler = { id: 'u-cgj1', role: 'handler' as const };

const subtaskWork = (subtaskId: number, command: SubtaskCommand): OutboxWork => ({
  kind: 'subtask',
  caseId: 'C-1',
  caseTitle: '楼道堆物',
  subtaskId,
  command,
});

function queue(...entries: [key: string, work: OutboxWork, blobIds?: string[]][]): OutboxItem[] {
  return entries.reduce<OutboxItem[]>(
    (items, [key, work, blobIds = []]) =>
      queueItem(items, { key, userId: coHandler.id, work, blobIds, now: NOW }),
    [],
  );
}

const subtask = (state: CaseSubtask['state']): CaseSubtask => ({
  id: 7,
  caseId: 'C-1',
  assigneeId: coHandler.id,
  departmentId: 'dept-cgj',
  state,
  required: true,
  task: '清理楼道杂物',
  createdById: 'system',
  createdAt: NOW - 3_600_000,
  dueAt: NOW + 3_600_000,
  acceptedAt: null,
  reportedAt: null,
  reportNote: null,
  reportPhotos: [],
  cancelledAt: null,
  cancelReason: null,
  remindedAt: null,
  overdueAt: null,
  updatedAt: NOW - 3_600_000,
});

describe('协办 moves in the outbox', () => {
  const report: SubtaskCommand = { action: 'report', note: '已清理', photos: ['/api/photos/a.png'] };

  it('names its case, waits its turn behind earlier items, and counts as waiting for its sub-task only', () => {
    const items = queue(
      ['k1', { kind: 'move', caseId: 'C-1', caseTitle: '楼道堆物', command: { action: 'accept' } }],
      ['k2', subtaskWork(7, report), ['k2-0']],
    );
    expect(items[1]).toMatchObject({ caseId: 'C-1', photos: [{ blobId: 'k2-0', url: null }] });
    expect(nextToSend(items, coHandler.id)?.key).toBe('k1');
    expect(waitingSubtaskMoves(items, 7).map((item) => item.key)).toEqual(['k2']);
    expect(waitingSubtaskMoves(items, 8)).toEqual([]);
    // The case's card lists case moves only: a 协办 report is not a move of the case.
    expect(waitingMoves(items, 'C-1').map((item) => item.key)).toEqual(['k1']);
  });

  it('sends the photos uploaded so far with those the report already named', () => {
    let items = queue(['k1', subtaskWork(7, report), ['k1-0', 'k1-1']]);
    expect(bodyOf(items[0]!)).toEqual(report);
    items = recordUpload(items, 'k1', 'k1-0', '/api/photos/b.png');
    expect(bodyOf(items[0]!)).toEqual({ ...report, photos: ['/api/photos/a.png', '/api/photos/b.png'] });
    const accept = queue(['k2', subtaskWork(7, { action: 'accept' })]);
    expect(bodyOf(accept[0]!)).toEqual({ action: 'accept' });
  });

  it('shows the sub-task as it will be: accepted offline, then reported; a move that would not apply is skipped', () => {
    const accept = subtaskWork(7, { action: 'accept' });
    const items = queue(['k1', accept], ['k2', subtaskWork(7, { action: 'report', note: '已清理' })]);
    expect(projectSubtask(subtask('created'), items.slice(0, 1), coHandler, NOW).state).toBe('accepted');
    expect(projectSubtask(subtask('created'), items, coHandler, NOW)).toMatchObject({
      state: 'reported',
      reportNote: '已清理',
    });
    // Cancelled meanwhile (the server said so on the last fetch): nothing waiting changes it.
    expect(projectSubtask(subtask('cancelled'), items, coHandler, NOW).state).toBe('cancelled');
    // Another sub-task's moves do not touch this one.
    expect(projectSubtask({ ...subtask('created'), id: 8 }, items, coHandler, NOW).state).toBe('created');
  });
});
