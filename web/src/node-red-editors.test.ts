import { openStateDb, seedDemoDistrict, type StateDb } from '@gridsense/state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { editorAccounts } from './node-red-editors';

const PASSWORD = 'Editor-password-1';

/**
 * Editor sign-in as the platform answers it for Node-RED. The limit holds here, in the platform,
 * because code inside Node-RED can ask the platform directly, past Node-RED's own login limit.
 */
// Every check is a real scrypt hash (slow on purpose): this file may take a while on a busy host.
describe('editorAccounts', { timeout: 90_000 }, () => {
  let db: StateDb;
  let clock = 1_700_000_000_000;

  beforeAll(async () => {
    db = await openStateDb(':memory:');
    await seedDemoDistrict(db, { now: clock, fixedPassword: PASSWORD });
  });

  afterAll(async () => {
    await db?.destroy();
  });

  it('admits engineers and admins only, by name and by password', async () => {
    const editors = editorAccounts(db, () => clock);
    expect(await editors.find('eng1')).toEqual({ username: 'eng1', permissions: '*' });
    expect(await editors.find('admin')).toEqual({ username: 'admin', permissions: '*' });
    expect(await editors.find('op1')).toBeNull();
    expect(await editors.find('nobody')).toBeNull();
    expect(await editors.authenticate('eng1', PASSWORD)).toEqual({ username: 'eng1', permissions: '*' });
    expect(await editors.authenticate('op1', PASSWORD)).toBeNull();
  });

  it('stops checking a name after five wrong passwords, for that name and for a while', async () => {
    const editors = editorAccounts(db, () => clock);
    for (let i = 0; i < 5; i++) expect(await editors.authenticate('admin', `guess-${i}`)).toBeNull();
    expect(await editors.authenticate('admin', PASSWORD)).toBeNull();
    expect(await editors.authenticate('eng1', PASSWORD)).not.toBeNull();
    clock += 15 * 60_000 + 1;
    expect(await editors.authenticate('admin', PASSWORD)).toEqual({ username: 'admin', permissions: '*' });
  });

  it('refuses, unchecked, more checks at once than it runs', async () => {
    const editors = editorAccounts(db, () => clock);
    const answers = await Promise.all(
      Array.from({ length: 6 }, () => editors.authenticate('eng1', PASSWORD)),
    );
    expect(answers.filter((a) => a !== null)).toHaveLength(4);
  });
});
