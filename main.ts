import { parseConfig } from '@gridsense/core';
import { createLogger, supervise } from '@gridsense/state';
import { join } from 'node:path';

/**
 * `npm start`: a supervisor that runs the platform (platform-main.ts: every service in one
 * process) as a child and restarts it if it dies (decision 0010). Settings: README; the child
 * reports bad ones.
 */
const parsed = parseConfig(process.env, process.argv.slice(2));
// A handful of lines per restart: shown unless the operator asked for errors only.
const level = parsed.ok && parsed.config.logLevel === 'error' ? 'error' : 'info';
supervise({
  entry: join(import.meta.dirname, 'platform-main.ts'),
  args: process.argv.slice(2),
  logger: createLogger({ level, service: 'supervisor' }),
});
