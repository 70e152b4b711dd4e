import type { AuditEntryView } from '@gridsense/core';
import { request } from './api';

/** Tables of the analytics page that can be exported (`EXPORT_TABLES` in web/src/audit.service.ts). */
export type ExportTable = 'grid' | 'worker' | 'department' | 'category';

/**
 * Records an analytics export in the audit log; the console saves the file only once this
 * answered, so every export it makes is on record (who, which table, region and period).
 */
export function recordExport(table: ExportTable, from: number, to: number, rows: number): Promise<void> {
  return request<void>('POST', '/api/audit/exports', { table, from, to, rows });
}

/** An audit entry with the name of the person or region it is about, when it has one. */
export type AuditRow = AuditEntryView & { entityName: string | null };

/** What the audit page filters by; empty means any. Times are epoch ms, `to` exclusive. */
export interface AuditQuery {
  actor?: string;
  action?: string;
  entityType?: string;
  entityId?: string;
  from?: number;
  to?: number;
}

/** How many entries one page of the audit table holds. */
export const AUDIT_PAGE_SIZE = 50;

/** One page of the log, newest first, older than `beforeSeq` when given. */
export function listAuditPage(query: AuditQuery, beforeSeq?: number): Promise<AuditRow[]> {
  const params = new URLSearchParams({ order: 'desc', limit: String(AUDIT_PAGE_SIZE) });
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, String(value));
  if (beforeSeq !== undefined) params.set('beforeSeq', String(beforeSeq));
  return request<AuditRow[]>('GET', `/api/audit?${params.toString()}`);
}
