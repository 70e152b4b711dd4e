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
