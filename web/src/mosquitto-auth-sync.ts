import { configuredServiceAccounts } from '@gridsense/broker';
import type { Bus, Config } from '@gridsense/core';
import {
  mosquittoReloader,
  syncMosquittoAuthFiles,
  writeMosquittoAuthFiles,
  type Logger,
  type StateDb,
} from '@gridsense/state';

/**
 * With an external Mosquitto (GRIDSENSE_MOSQUITTO_DIR): its password file and ACL kept in step
 * with the device registry by the process that administers devices (the platform, or the web
 * server run apart), Mosquitto reloaded after each rewrite when a way to reload it is set.
 */
export interface MosquittoAuthSync {
  /** Before the services log in: the files with their accounts, and a reload. */
  writeNow(): Promise<void>;
  /** After the bus is up: rewritten on every `device.access_changed`. */
  follow(bus: Bus): Promise<void>;
}

export function mosquittoAuthSync(
  config: Config,
  deps: { db: StateDb; serviceSecret: string; logger: Logger },
): MosquittoAuthSync | undefined {
  const dir = config.mosquittoDir;
  if (!dir) return undefined;
  const { db, logger } = deps;
  const services = configuredServiceAccounts(config, deps.serviceSecret);
  const reload = mosquittoReloader(config.mosquittoReload);
  const onError = (error: unknown) =>
    logger.error({ err: error, context: 'mosquitto files' }, 'mosquitto files');
  const onWritten = ({ withoutHash }: { withoutHash: string[] }) => {
    if (withoutHash.length > 0)
      logger.warn({ devices: withoutHash }, 'not in the Mosquitto password file: rotate their secrets');
  };
  return {
    async writeNow() {
      onWritten(await writeMosquittoAuthFiles(db, dir, services));
      await reload?.().catch(onError);
    },
    follow: (bus) => syncMosquittoAuthFiles({ db, bus, dir, service: services, reload, onWritten, onError }),
  };
}
