import { CONFIG_DOC, parseConfig, type Config } from '@gridsense/core';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { createLogger, type Logger } from './logger';
import { announceReady } from './supervisor';

/**
 * The lifecycle every service's main.ts shares: parse and validate config (listing every bad
 * setting), start, and close cleanly on SIGTERM/SIGINT.
 */
export async function runService(
  service: string,
  start: (config: Config, logger: Logger) => Promise<{ close(): Promise<void> }>,
): Promise<void> {
  const parsed = parseConfig(process.env, process.argv.slice(2), hostname());
  if (!parsed.ok) {
    console.error(`${service} cannot start; fix these settings:\n  ${parsed.errors.join('\n  ')}\n`);
    console.error(
      Object.entries(CONFIG_DOC)
        .map(([key, doc]) => `  ${key.padEnd(26)} ${doc}`)
        .join('\n'),
    );
    process.exit(2);
  }
  const logger = createLogger({ level: parsed.config.logLevel, service });
  // Everything a service creates under the data dir (state, keys, TLS, spool, photos, Node-RED's
  // userDir) is this user's only: files 0600, folders 0700.
  process.umask(0o077);
  // A service alone on a new machine (web or alerts on PostgreSQL) still keeps files there.
  await mkdir(parsed.config.dataDir, { recursive: true });
  const running = await start(parsed.config, logger).catch((error: unknown) => {
    logger.fatal({ err: error }, `${service} failed to start`);
    process.exit(1);
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
  announceReady(() => stop('supervisor gone'));
}

/**
 * The settings for a command-line tool on the same data dir (admin:create, migrate:readings,
 * mosquitto:acl): undefined, with every bad setting printed, when they do not parse. Files it
 * creates are this user's only, as the platform's are.
 */
export function commandConfig(): Config | undefined {
  const parsed = parseConfig(process.env, [], hostname());
  if (!parsed.ok) {
    console.error(`fix these settings first:\n  ${parsed.errors.join('\n  ')}`);
    return undefined;
  }
  process.umask(0o077);
  return parsed.config;
}

/** Runs a list of closers in reverse order of creation, reporting (not throwing) failures. */
export class Closers {
  private readonly closers: (() => Promise<unknown>)[] = [];

  constructor(private readonly onError: (error: unknown) => void) {}

  add(closer: () => Promise<unknown>): void {
    this.closers.push(closer);
  }

  async closeAll(): Promise<void> {
    for (const closer of this.closers.splice(0).reverse()) await closer().catch(this.onError);
  }
}
