import {
  parseConfig,
  polygonCentroid,
  regionLineage,
  type AuditEntryView,
  type AuditVerification,
  type CaseView,
  type RegionAdminView,
  type Rule,
  type RuleView,
} from '@gridsense/core';
import {
  appendAudit,
  auditAnchorFile,
  createLogger,
  openStateDb,
  readAuditAnchors,
  verifyAuditChain,
} from '@gridsense/state';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateDialects } from '@gridsense/state/testing';
import { startPlatform } from '../../platform';
import { auditOf, startWithAdminClients } from './harness/admin-clients';
import { TEST_PASSWORD, type ApiClient, type TestPlatform } from './harness/test-platform';

type ErrorBody = { error: { code: string; details?: string[] } };

const noiseRule = (id: string, regionId: string): Rule => ({
  kind: 'threshold',
  id,
  name: '噪声超标',
  category: 'public_order',
  deviceType: 'noise',
  metric: 'noise_db',
  bands: [{ severity: 'warning', above: 85 }],
  clearAtOrBelow: 70,
  scope: { regionIds: [regionId] },
});

const report = (location: { lat: number; lng: number }) => ({
  title: '井盖缺失',
  description: '路口井盖缺失',
  category: 'facility',
  subcategory: 'facility.manhole',
  caseType: 'facility.manhole.missing',
  severity: 'warning',
  location,
  photos: ['/api/photos/00000000-0000-4000-8000-000000000000.png'],
});

describe.each(stateDialects())(
  'the audit log API: who changed rules, who read and exported, and who may see what (%s)',
  (dialect) => {
    let env: TestPlatform;
    let admin: ApiClient;
    let op: ApiClient;
    let eng: ApiClient;
    let worker: ApiClient;

    const everything = async (client: ApiClient) =>
      (await client.call<AuditEntryView[]>('GET', '/api/audit?limit=1000')).body;

    beforeAll(async () => {
      ({ env, admin, op, eng, worker } = await startWithAdminClients('worker01', {}, dialect));
    });
    afterAll(async () => env?.stop());

    it('records every rule change: create, edit, disable, enable and rollback, not a refused one', async () => {
      const rule = noiseRule('audit-noise', 'G01');
      expect((await eng.call('POST', '/api/rules', rule)).status).toBe(201);
      const edited = { ...rule, name: '夜间噪声超标' };
      expect((await eng.call('PUT', '/api/rules/audit-noise', { version: 1, rule: edited })).status).toBe(
        200,
      );
      expect((await eng.call('PUT', '/api/rules/audit-noise', { version: 1, rule })).status).toBe(409);
      expect((await eng.call('POST', '/api/rules/audit-noise/disable', { version: 2 })).status).toBe(200);
      expect((await eng.call('POST', '/api/rules/audit-noise/enable', { version: 3 })).status).toBe(200);
      const rolledBack = await eng.call<RuleView>('POST', '/api/rules/audit-noise/rollback', {
        toVersion: 1,
        version: 4,
      });
      expect(rolledBack.body).toMatchObject({ version: 5, rule: { name: '噪声超标' } });

      const entries = await auditOf(admin, 'rule', 'audit-noise');
      expect(entries.map((e) => [e.action, e.actorId, (e.data as { version: number }).version])).toEqual([
        ['rule.created', 'u-eng1', 1],
        ['rule.edited', 'u-eng1', 2],
        ['rule.disabled', 'u-eng1', 3],
        ['rule.enabled', 'u-eng1', 4],
        ['rule.rolled_back', 'u-eng1', 5],
      ]);
      expect(entries[1]!.data).toMatchObject({ enabled: true, rule: { name: '夜间噪声超标' } });
      expect(entries[2]!.data).toMatchObject({ enabled: false });
      expect(entries[4]!.data).toMatchObject({ rolledBackTo: 1, rule: { name: '噪声超标' } });
    });

    it('records who read the log, with what filter, and who verified it; a refused reader leaves nothing', async () => {
      const read = await op.call<AuditEntryView[]>('GET', '/api/audit?entityType=rule&limit=3');
      expect(read.body).toHaveLength(3);
      expect((await op.call<AuditVerification>('GET', '/api/audit/verify')).body.ok).toBe(true);
      const before = (await everything(admin)).length;
      expect((await worker.call<ErrorBody>('GET', '/api/audit')).body.error.code).toBe('forbidden');
      expect((await eng.call('GET', '/api/audit/verify')).status).toBe(403);

      const reads = await auditOf(admin, 'audit_log', 'D1');
      const byOp = reads.filter((e) => e.actorId === 'u-op1');
      expect(byOp.map((e) => e.action)).toEqual(['audit.read', 'audit.verified']);
      expect(byOp[0]!.data).toEqual({
        filter: { entityType: 'rule', limit: 3 },
        returned: 3,
        seqs: [read.body[0]!.seq, read.body[2]!.seq],
      });
      expect(byOp[1]!.data).toMatchObject({ ok: true, brokenAt: null });
      // The administrator's own two reads since `before`, and nothing from the refused ones.
      const after = await everything(admin);
      expect(after.length).toBe(before + 2);
      expect(
        after.some((e) => ['u-worker01', 'u-eng1'].includes(e.actorId) && e.action.startsWith('audit.')),
      ).toBe(false);
    });

    it('records an analytics export the console reports, checked and in the exporter\u2019s region', async () => {
      const now = Date.now();
      const exported = await op.call('POST', '/api/audit/exports', {
        table: 'grid',
        from: now - 86_400_000,
        to: now,
        rows: 12,
      });
      expect(exported.status).toBe(204);
      const [entry] = await auditOf(admin, 'analytics', 'D1');
      expect(entry).toMatchObject({
        action: 'analytics.exported',
        actorId: 'u-op1',
        data: { table: 'grid', from: now - 86_400_000, to: now, rows: 12, format: 'csv' },
      });

      const bad = await op.call<ErrorBody>('POST', '/api/audit/exports', {
        table: 'secrets',
        from: now,
        to: now - 1,
        regionId: 'X9',
        rows: -1,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details).toEqual([
        'table must be one of grid, worker, department, category',
        'from must be before to (epoch ms)',
        'regionId must be a region in your scope',
        'rows must be an integer 0–100000',
      ]);
      expect((await eng.call('POST', '/api/audit/exports', { table: 'grid' })).status).toBe(403);
    });

    it('shows a reader outside the district only the entries about their own region', async () => {
      const regions = (await admin.call<RegionAdminView[]>('GET', '/api/admin/regions')).body;
      const gridOf = (streetId: string) =>
        regions.find(
          (r) => r.level === 'grid' && regionLineage(regions, r.id).some((l) => l.id === streetId),
        )!;
      const [inside, outside] = [gridOf('S1'), gridOf('S2')];
      const inScope = new Set(
        regions.filter((r) => regionLineage(regions, r.id).some((l) => l.id === 'S1')).map((r) => r.id),
      );
      const place = (grid: RegionAdminView) => polygonCentroid(grid.boundary!);
      const mine = await op.call<{ case: CaseView }>('POST', '/api/cases/reports', report(place(inside)));
      const theirs = await op.call<{ case: CaseView }>('POST', '/api/cases/reports', report(place(outside)));
      expect([mine.body.case.gridId, theirs.body.case.gridId]).toEqual([inside.id, outside.id]);
      await eng.call('POST', '/api/rules', noiseRule('audit-inside', inside.id));
      await eng.call('POST', '/api/rules', noiseRule('audit-outside', outside.id));

      // The second operator now answers for street S1 only.
      expect((await admin.call('PATCH', '/api/admin/people/u-op2', { regionId: 'S1' })).status).toBe(200);
      const streetOp = await env.login('op2');
      const seen = await everything(streetOp);
      const seenOf = (type: string) => seen.filter((e) => e.entityType === type).map((e) => e.entityId);
      expect(seenOf('case')).toContain(mine.body.case.id);
      expect(seenOf('case')).not.toContain(theirs.body.case.id);
      expect(seenOf('rule')).toContain('audit-inside');
      expect(seenOf('rule')).not.toContain('audit-outside');
      expect(seenOf('rule').includes('audit-noise')).toBe(inScope.has('G01'));
      expect(seenOf('user')).toContain('u-op2');
      // District-wide entries (demo configuration, the district's own reads) are not theirs.
      expect(seen.some((e) => e.entityType === 'config' || e.entityId === 'D1')).toBe(false);
      for (const entry of seen.filter((e) => ['region', 'audit_log', 'analytics'].includes(e.entityType)))
        expect(inScope.has(entry.entityId)).toBe(true);
      const asked = await streetOp.call<AuditEntryView[]>(
        'GET',
        `/api/audit?entityType=case&entityId=${theirs.body.case.id}`,
      );
      expect(asked.body).toEqual([]);

      // The district reader sees both.
      const all = await everything(op);
      const cases = all.filter((e) => e.entityType === 'case').map((e) => e.entityId);
      expect(cases).toEqual(expect.arrayContaining([mine.body.case.id, theirs.body.case.id]));
    });

    it('reports the newest entries deleted behind its back, against the anchor outside the database', async () => {
      const file = auditAnchorFile(env.dataDir);
      await expect.poll(async () => (await readAuditAnchors(file)).anchors.length).toBeGreaterThan(0);
      const anchored = Math.max(...(await readAuditAnchors(file)).anchors.map((a) => a.seq));
      expect((await admin.call<AuditVerification>('GET', '/api/audit/verify')).body).toMatchObject({
        ok: true,
        anchor: { seq: anchored },
      });

      // Someone with access to the database: plain SQL, the guard trigger dropped first (PostgreSQL
      // names the trigger's table).
      const raw = await env.openState();
      try {
        await expect(sql`delete from audit_log where seq >= ${anchored}`.execute(raw)).rejects.toThrow(
          'audit_log is append-only',
        );
        const onTable = dialect === 'postgres' ? ' on audit_log' : '';
        await sql.raw(`drop trigger audit_log_no_delete${onTable}`).execute(raw);
        await sql`delete from audit_log where seq >= ${anchored}`.execute(raw);
      } finally {
        await raw.destroy();
      }

      const verdict = (await admin.call<AuditVerification>('GET', '/api/audit/verify')).body;
      expect(verdict).toMatchObject({ ok: false, brokenAt: anchored });
      expect(verdict.reason).toMatch(
        new RegExp(
          `^the chain ends at entry ${anchored - 1}, but entry ${anchored} was anchored at .*: its newest entries were removed$`,
        ),
      );
    });
  },
);

describe('the anchor written at shutdown', () => {
  it('holds the last head, so a tail deleted while GridSense was stopped is found at the next start', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'gridsense-anchor-'));
    const start = async () => {
      const parsed = parseConfig({
        GRIDSENSE_DATA_DIR: dataDir,
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: '0',
        MQTT_HOST: '127.0.0.1',
        MQTT_PORT: '0',
        GRIDSENSE_SIMULATOR: 'off',
        GRIDSENSE_NODE_RED: 'off',
        GRIDSENSE_DEMO_PASSWORD: TEST_PASSWORD,
        // An empty district: what these tests count is their own, not the demo's generated history.
        GRIDSENSE_DEMO_HISTORY_DAYS: '0',
        LOG_LEVEL: 'warn',
      });
      if (!parsed.ok) throw new Error(parsed.errors.join('; '));
      return startPlatform(parsed.config, { logger: createLogger({ level: 'warn' }) });
    };
    const path = join(dataDir, 'state.db');
    const anchorFile = auditAnchorFile(dataDir);
    try {
      const platform = await start();
      // Activity after the start-up anchor, from a second connection with the same key file.
      const db = await openStateDb(path);
      await appendAudit(
        db,
        Array.from({ length: 4 }, (_, i) => ({
          at: Date.now(),
          actorId: 'u-admin',
          actorName: '管理员',
          action: 'admin.test',
          entityType: 'region',
          entityId: `G0${i + 1}`,
          data: null,
        })),
      );
      const head = (
        await db.selectFrom('audit_log').select('seq').orderBy('seq', 'desc').executeTakeFirstOrThrow()
      ).seq;
      await db.destroy();
      await platform.close();
      expect(Math.max(...(await readAuditAnchors(anchorFile)).anchors.map((a) => a.seq))).toBe(head);

      const raw = new SQLite(path);
      raw.exec('drop trigger audit_log_no_delete');
      raw.prepare('delete from audit_log where seq > ?').run(head - 2);
      raw.close();

      const restarted = await start();
      const check = await openStateDb(path);
      try {
        expect(await verifyAuditChain(check, { anchorFile })).toMatchObject({
          ok: false,
          brokenAt: head - 1,
          reason: expect.stringMatching(
            new RegExp(`^the chain ends at entry ${head - 2}, but entry ${head} was anchored at `),
          ),
        });
      } finally {
        await check.destroy();
        await restarted.close();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
