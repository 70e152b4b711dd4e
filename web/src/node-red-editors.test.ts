import {
  confirmTotpEnrolment,
  resetTotp,
  seedDemoDistrict,
  startTotpEnrolment,
  type StateDb,
} from '@gridsense/state';
import { openTestStateDb, stateDialects } from '@gridsense/state/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeBase32 } from './auth/base32';
import { totpCode, totpStep } from './auth/totp';
import { editorAccounts } from './node-red-editors';

const PASSWORD = 'Editor-password-1';
const SECRETS: Record<string, string> = {
  admin: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
  eng1: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ',
};

/**
 * Editor sign-in as the platform answers it for Node-RED. The limit holds here, in the platform,
 * because code inside Node-RED can ask the platform directly, past Node-RED's own login limit.
 * Editors sign in with the password followed by the 6-digit code of their authenticator.
 */
// Every check is a real scrypt hash (slow on purpose): this file may take a while on a busy host.
describe.each(stateDialects())('editorAccounts (%s)', { timeout: 90_000 }, (dialect) => {
  let db: StateDb;
  let clock = 1_700_000_000_000;
  const lastStep: Record<string, number> = {};
  /** The password and the next unused code, as typed into Node-RED's password field. */
  const withCode = (username: string) => {
    const step = Math.max(totpStep(clock) - 1, (lastStep[username] ?? 0) + 1);
    lastStep[username] = step;
    return PASSWORD + totpCode(decodeBase32(SECRETS[username]!)!, step);
  };

  beforeAll(async () => {
    db = await openTestStateDb(dialect);
    await seedDemoDistrict(db, { now: clock, fixedPassword: PASSWORD });
    for (const username of ['admin', 'eng1']) {
      const actor = { id: `u-${username}`, name: username };
      await startTotpEnrolment(db, actor.id, SECRETS[username]!);
      lastStep[username] = totpStep(clock) - 5;
      await confirmTotpEnrolment(db, actor, lastStep[username], [], clock);
    }
    // Seeding hashes every demo password; on PostgreSQL the server starts first.
  }, 90_000);

  afterAll(async () => {
    await db?.destroy();
  });

  it('admits engineers and admins only, by name, password and code', async () => {
    const editors = editorAccounts(db, () => clock);
    expect(await editors.find('eng1')).toEqual({ username: 'eng1', permissions: '*' });
    expect(await editors.find('admin')).toEqual({ username: 'admin', permissions: '*' });
    expect(await editors.find('op1')).toBeNull();
    expect(await editors.find('nobody')).toBeNull();
    const typed = withCode('eng1');
    expect(await editors.authenticate('eng1', typed)).toEqual({ username: 'eng1', permissions: '*' });
    // The code is taken once; the password alone is not enough.
    expect(await editors.authenticate('eng1', typed)).toBeNull();
    expect(await editors.authenticate('eng1', PASSWORD)).toBeNull();
    expect(await editors.authenticate('op1', PASSWORD + '123456')).toBeNull();
  });

  it('stops checking a name after five wrong passwords, for that name and for a while', async () => {
    clock += 15 * 60_000 + 1;
    const editors = editorAccounts(db, () => clock);
    for (let i = 0; i < 5; i++) expect(await editors.authenticate('admin', `guess-${i}-000000`)).toBeNull();
    expect(await editors.authenticate('admin', withCode('admin'))).toBeNull();
    expect(await editors.authenticate('eng1', withCode('eng1'))).not.toBeNull();
    clock += 15 * 60_000 + 1;
    expect(await editors.authenticate('admin', withCode('admin'))).toEqual({
      username: 'admin',
      permissions: '*',
    });
  });

  it('refuses, unchecked, more checks at once than it runs', async () => {
    clock += 60_000;
    const editors = editorAccounts(db, () => clock);
    const [admin, eng1] = [withCode('admin'), withCode('eng1')];
    // Four checks under way (wrong passwords of someone else); the two good ones come fifth and sixth.
    const answers = await Promise.all([
      ...Array.from({ length: 4 }, (_, i) => editors.authenticate('op2', `wrong-${i}`)),
      editors.authenticate('admin', admin),
      editors.authenticate('eng1', eng1),
    ]);
    expect(answers.every((a) => a === null)).toBe(true);
    // Refused unchecked: their codes were never taken, so they work now.
    expect(await editors.authenticate('admin', admin)).not.toBeNull();
    expect(await editors.authenticate('eng1', eng1)).not.toBeNull();
  });

  it('shuts out an editor whose second factor an administrator reset', async () => {
    await resetTotp(db, 'u-eng1', { id: 'u-admin', name: 'admin' }, clock);
    const editors = editorAccounts(db, () => clock);
    expect(await editors.find('eng1')).toBeNull();
    expect(await editors.authenticate('eng1', withCode('eng1'))).toBeNull();
  });
});
