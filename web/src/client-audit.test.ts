import type { ApiText } from '@gridsense/core';
import { anchorAuditHead, appendAudit, verifyAuditChain, type StateDb } from '@gridsense/state';
import { openTestStateDb, stateDialects } from '@gridsense/state/testing';
import { sql } from 'kysely';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiTextIn } from '../client/src/i18n/api-text';

const entry = (n: number) => ({
  at: 1_700_000_000_000 + n,
  actorId: 'u-admin',
  actorName: '管理员',
  action: 'admin.test',
  entityType: 'region',
  entityId: `G${n}`,
  data: null,
});

/** The reasons `verifyAuditChain` gives, produced by breaking real chains, then shown in Chinese. */
describe.each(stateDialects())(
  "the console shows the audit verdicts in the reader's language (%s)",
  (dialect) => {
    let dir: string;
    let db: StateDb;
    const reasons: { reason: string; reasonText: ApiText }[] = [];
    // PostgreSQL names a trigger's table when dropping it; SQLite does not.
    const dropTrigger = (name: string) =>
      sql.raw(`drop trigger ${name}${dialect === 'postgres' ? ' on audit_log' : ''}`).execute(db);
    const verdict = async (anchorFile?: string) => {
      const { reason, reasonText } = await verifyAuditChain(db, anchorFile ? { anchorFile } : {});
      reasons.push({ reason: reason!, reasonText: reasonText! });
    };

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'gridsense-verdicts-'));
      db = await openTestStateDb(dialect);
      await appendAudit(db, [1, 2, 3, 4].map(entry));
      const anchorFile = join(dir, 'anchor.log');
      await anchorAuditHead(db, anchorFile, 1_700_000_100_000);
      const forged = join(dir, 'forged.log');
      appendFileSync(forged, 'not an anchor\n');
      await verdict(forged);
      appendFileSync(
        join(dir, 'unsealed.log'),
        `${JSON.stringify({ seq: 4, hash: 'x', at: 1, keyedFrom: 1, mac: 'x' })}\n`,
      );
      await verdict(join(dir, 'unsealed.log'));
      await dropTrigger('audit_log_no_update');
      await dropTrigger('audit_log_no_delete');
      await sql`delete from audit_log where seq = 4`.execute(db);
      await verdict(anchorFile);
      await sql`update audit_log set prev_hash = 'x' where seq = 3`.execute(db);
      await verdict();
      await sql`update audit_log set data = '1' where seq = 2`.execute(db);
      await verdict();
      await sql`delete from audit_log where seq = 1`.execute(db);
      await verdict();
    });
    afterAll(async () => {
      await db.destroy();
      rmSync(dir, { recursive: true, force: true });
    });

    it('renders every verdict from its key, keeping numbers and times', () => {
      expect(reasons.map(({ reason, reasonText }) => apiTextIn('zh-CN', reason, reasonText))).toEqual([
        '锚点文件第 1 行不是锚点',
        '锚点文件第 1 行没有用审计密钥签名',
        '链止于第 3 条，但第 4 条已于 2023-11-14T22:15:00.000Z 锚定：最新的记录被删除了',
        '与上一条记录衔接不上',
        '内容与其哈希不符',
        '第 1 条缺失',
      ]);
      expect(reasons.map(({ reason, reasonText }) => apiTextIn('en', reason, reasonText))).toEqual([
        'Line 1 of the anchor file is not an anchor',
        'Line 1 of the anchor file is not sealed with the audit key',
        'The chain ends at entry 3, but entry 4 was anchored at 2023-11-14T22:15:00.000Z: its newest entries were removed',
        'Does not link to the previous entry',
        'The content does not match its hash',
        'Entry 1 is missing',
      ]);
      // The API's English stays as it was, for logs and API clients.
      expect(reasons.map(({ reason }) => reason)[5]).toBe('entry 1 is missing');
    });
  },
);
