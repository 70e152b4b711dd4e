import type { Kysely, Migration } from 'kysely';

/**
 * Each device's secret also hashed the way Mosquitto checks it (`$7$`, PBKDF2-SHA512), so
 * GridSense can write a password file for an external Mosquitto without keeping the secret.
 * Devices issued before have none until their secret is rotated.
 */
export const mosquittoHash: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema.alterTable('devices').addColumn('mosquitto_hash', 'text').execute();
  },
};
