import type { StateDb } from '../database';
import { generatePassword, generateSecret, hashPassword } from '../credentials';
import { insertDevices } from '../device.repository';
import { hashIssuedDeviceSecret } from '../mosquitto-auth';
import { insertRegions } from '../region.repository';
import { insertRule } from '../rule.repository';
import { districtAlreadySeeded } from '../district/seed-district';
import { setSetting } from '../settings.repository';
import { assignDuty, insertUser } from '../user.repository';
import { demoCaseUsers, seedDemoCaseConfig } from './demo-cases';
import { buildDemoDistrict } from './demo-district';
import { seedDemoHistory } from './demo-history';
import { seedDemoPlaces } from '../place-demo';

export interface DeviceCredential {
  id: string;
  gridId: string;
  type: string;
  secret: string;
}

export interface SeedResult {
  /** Generated passwords, shown once: only their hashes are stored. */
  passwords: { username: string; role: string; password: string }[];
  /** Device secrets, for the simulator's provisioning file. */
  devices: DeviceCredential[];
  /** What the generated history holds, when one was asked for. */
  history?: { cases: number; events: number; open: number };
}

/**
 * Seeds the demo district on first start; returns undefined if this data dir was already seeded
 * (as the demo, or as a production district).
 * `fixedPassword` (e.g. from GRIDSENSE_DEMO_PASSWORD) replaces generated passwords.
 */
export async function seedDemoDistrict(
  db: StateDb,
  options: { now: number; fixedPassword?: string; historyDays?: number },
): Promise<SeedResult | undefined> {
  if (await districtAlreadySeeded(db)) return undefined;
  const demo = buildDemoDistrict();
  const passwords: SeedResult['passwords'] = [];
  const devices = demo.devices.map((d) => ({ ...d, secret: generateSecret() }));
  // Everyone shares a fixed password, so one (slow) hash serves them all.
  const fixedHash = options.fixedPassword ? await hashPassword(options.fixedPassword) : undefined;
  const hashed = await Promise.all(
    demo.users.map(async (user) => {
      const password = options.fixedPassword ?? generatePassword(user.username);
      passwords.push({ username: user.username, role: user.role, password });
      return { user, passwordHash: fixedHash ?? (await hashPassword(password)) };
    }),
  );
  let history: SeedResult['history'];
  await db.transaction().execute(async (tx) => {
    await insertRegions(tx, demo.regions);
    for (const { user, passwordHash } of hashed) {
      await insertUser(tx, { ...user, passwordHash }, options.now);
      for (const duty of user.duties) await assignDuty(tx, duty.gridId, user.id, duty.duty);
    }
    await insertDevices(
      tx,
      devices.map((d) => ({ ...d, ...hashIssuedDeviceSecret(d.secret) })),
      options.now,
    );
    for (const rule of demo.rules) await insertRule(tx, rule, options.now);
    await seedDemoCaseConfig(tx, demoCaseUsers(), options.now);
    await seedDemoPlaces(tx, demo.devices, options.now);
    if (options.historyDays)
      history = await seedDemoHistory(tx, { now: options.now, days: options.historyDays });
    await setSetting(tx, 'demo_seeded_at', String(options.now));
  });
  return {
    passwords,
    devices: devices.map(({ id, gridId, type, secret }) => ({ id, gridId, type, secret })),
    ...(history ? { history } : {}),
  };
}
